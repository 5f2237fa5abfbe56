import { pairOps, type OpPair } from '../harness/history/op.ts';
import { availabilityPerFault, clientCompletions, outsideFaults } from '../harness/faults/availability.ts';
import { chartOps, hasTimes } from './charts/chart-ops.ts';
import { latencyChart } from './charts/latency-chart.ts';
import { throughputChart } from './charts/throughput-chart.ts';
import { pageAssets } from './client-bundle.ts';
import type { PageData } from './client/main.ts';
import { html, jsonForScript, trusted, type SafeHtml } from './escape.ts';
import { faultWindows } from '../harness/faults/windows.ts';
import { formatCount, formatMs } from './format.ts';
import { replayCommand } from '../harness/replay.ts';
import type { ReportInput } from './report-input.ts';
import type { RunFile } from './run-files.ts';
import { anomaliesSection } from './sections/anomalies.ts';
import { availabilityTable } from './sections/availability-table.ts';
import { configurationSection } from './sections/configuration.ts';
import { twoPhaseCommitSection } from './sections/two-phase-commit.ts';
import { verdictWord } from '../harness/result.ts';
import { verdictSection } from './sections/verdict.ts';
import { BY_POSITION, BY_TIME, CHUNK_ROWS, encodeTimeline } from './timeline-data.ts';

function headerFacts(input: ReportInput, clientOps: number, endNs: number | undefined, generatedAt: Date): string[] {
  const t = input.test;
  const facts: string[] = [];
  if (t) facts.push(`${t.db} · ${t.workload}`, `${t.nodes} nodes`, `concurrency ${t.concurrency}`);
  facts.push(endNs === undefined ? `${formatCount(clientOps)} operations, no times in the history (drawn by position)` : `${formatCount(clientOps)} operations over ${formatMs(endNs / 1e6)}`);
  if (t) facts.push(t.nemesis.length ? `faults: ${t.nemesis.join(', ')}` : 'no faults', `seed ${t.seed}`);
  facts.push(`report written ${generatedAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`);
  return facts;
}

/**
 * The whole report as one self-contained HTML page: styles, script and data inline, and a
 * Content-Security-Policy that lets only faultline's own script run and nothing be fetched.
 */
export async function renderReport(input: ReportInput, files?: readonly RunFile[]): Promise<string> {
  const { history, results } = input;
  const generatedAt = input.generatedAt ?? new Date();
  const pairs = pairOps(history);
  const clientPairs = pairs.filter((p) => p.invoke.process !== 'nemesis');
  const byInvoke = new Map<number, OpPair>(pairs.map((p) => [p.invoke.index, p]));
  const endNs = history.length === 0 ? 0 : history[history.length - 1]!.time;
  // Porcupine logs and EDN without :time: the importers' times are positions, so draw by position.
  const timed = hasTimes(history);
  // The run stored the windows it computed; a history checked on its own gets them from its nemesis ops.
  const windows = results?.faultWindows ?? faultWindows(history);
  const completions = clientCompletions(history);
  const availability = results?.availability ?? availabilityPerFault(history, windows, completions);
  const ops = chartOps(clientPairs, timed ? endNs : history.length - 1, timed ? 'time' : 'position');
  const replay = input.replay ?? (typeof results?.replay === 'string' ? results.replay : input.test ? replayCommand(input.test) : undefined);
  const title = input.test?.name ?? input.title ?? 'history';
  const word = verdictWord(results?.valid);
  const { script, style, scriptHash } = await pageAssets();
  const timeline = encodeTimeline(pairs, CHUNK_ROWS, timed ? BY_TIME : BY_POSITION);
  const pageData: PageData = { windows: windows.map((w) => ({ fault: w.fault, start: w.start / 1000, end: w.end / 1000 })), chunks: timeline.index, ...(timed ? {} : { axis: 'position' as const }) };
  const csp = `default-src 'none'; script-src ${scriptHash}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const hasAnomalies = Object.values(results?.checkers ?? {}).some((c) => c.anomalies.length > 0);
  const twoPc = twoPhaseCommitSection(results?.checkers['2pc']);
  const nav: [string, string][] = [
    ['verdict', 'Verdict'],
    ...(hasAnomalies ? [['anomalies', 'Anomalies'] as [string, string]] : []),
    ['charts', 'Latency & throughput'],
    ['availability', 'Availability'],
    ...(twoPc ? [['two-phase-commit', '2PC locks'] as [string, string]] : []),
    ['timeline', 'Timeline'],
    ['configuration', 'Configuration'],
  ];
  const page: SafeHtml = html`<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline">
<title>${word.toUpperCase()} · ${title} · faultline</title>
<link rel="icon" href="data:,">
<style>${trusted(style)}</style>
</head><body>
<header class="top"><div class="brand">faultline report</div><h1>${title}</h1>
<p class="facts">${headerFacts(input, clientPairs.length, timed ? endNs : undefined, generatedAt).map((f) => html`<span>${f}</span>`)}</p>
<nav class="sections">${nav.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav></header>
<main>
${verdictSection(results, replay, input.test?.seed !== undefined)}
${anomaliesSection(results, byInvoke)}
<section id="charts"><h2>Latency</h2>${latencyChart(ops, windows)}<h2>Throughput</h2>${throughputChart(ops, windows)}</section>
<section id="availability"><h2>Availability per fault</h2>${availabilityTable(availability, outsideFaults(completions, windows))}</section>
${twoPc ?? ''}
<section id="timeline"><h2>Timeline</h2><p class="hint">Every operation, a lane per process, a page at a time (← → keys page when the timeline has focus). Bars run from invocation to completion: <span style="color:#2e8b57">■</span> ok, <span style="color:#d64541">■</span> fail, <span style="color:#e0a100">■</span> info (outcome unknown), <span style="color:#8a8a8a">■</span> never completed; shaded bands are faults. Hover a bar for its details.</p>
<div id="timeline-root"><p class="empty">Loading the timeline…</p></div></section>
${configurationSection(input.test, files, input.title)}
</main>
<script type="application/json" id="fl-data">${trusted(jsonForScript(pageData))}</script>
${timeline.chunks.map((c) => html`<script type="application/octet-stream" class="fl-chunk">${trusted(c)}</script>
`)}
<script>${trusted(script)}</script>
</body></html>
`;
  return page.value;
}
