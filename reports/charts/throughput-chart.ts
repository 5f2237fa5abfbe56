import { html, type SafeHtml } from '../escape.ts';
import type { FaultWindow } from '../../harness/faults/windows.ts';
import { formatCount } from '../format.ts';
import { OUTCOMES, opsBucket, type ChartOps } from './chart-ops.ts';
import { CHART, chartFrame, chartSvg, linearScale, r1, timeScale } from './frame.ts';
import { fColor } from './palette.ts';

const DASH: Record<string, string> = { ok: '', fail: '5 3', info: '1.5 2.5' };

function rateLabel(v: number): string {
  return v >= 1000 ? `${formatCount(v / 1000)}k/s` : `${formatCount(v)}/s`;
}

/** Where the final reads ran, and how many completed: drawn as a band, not as a line. */
function finalReads(ops: ChartOps): { count: number; from: number; to: number } | undefined {
  let count = 0;
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < ops.start.length; i++) {
    if (ops.final[i] !== 1) continue;
    from = Math.min(from, ops.start[i]!);
    to = Math.max(to, Number.isNaN(ops.end[i]!) ? ops.start[i]! : ops.end[i]!);
    if (ops.outcome[i]! < 3) count++;
  }
  return to === -Infinity ? undefined : { count, from, to };
}

/**
 * Completions per second over time (per bucket of positions when the history has no times), one
 * line per operation and outcome. Final reads, a burst of reads after the last heal, would set
 * the scale and flatten the workload's lines: they get a band of their own instead.
 */
export function throughputChart(ops: ChartOps, windows: readonly FaultWindow[]): SafeHtml {
  const byTime = ops.axis === 'time';
  const bucket = opsBucket(ops);
  const nBuckets = Math.max(1, Math.ceil(ops.extent / bucket));
  // counts[f][outcome][bucket], by completion time: throughput is what clients got back.
  const counts = ops.fs.map(() => OUTCOMES.slice(0, 3).map(() => new Float64Array(nBuckets)));
  for (let i = 0; i < ops.start.length; i++) {
    const o = ops.outcome[i]!;
    if (o === 3 || ops.final[i] === 1) continue;
    const b = Math.min(nBuckets - 1, Math.floor(ops.end[i]! / bucket));
    counts[ops.f[i]!]![o]![b]!++;
  }
  // By time, a rate: the last bucket may be cut short by the end of the test, so divide by the
  // time it covers. By position, a count per bucket.
  const span = (b: number) => (byTime ? Math.max(Math.min(bucket, ops.extent - b * bucket), bucket / 10) : 1);
  let max = 0;
  for (const byOutcome of counts) for (const c of byOutcome) c.forEach((v, b) => (max = Math.max(max, v / span(b))));
  const finals = finalReads(ops);
  if (max === 0) return html`<p class="empty">No completed operations${finals ? ' besides final reads' : ''}, so no throughput to draw.</p>`;
  const x = timeScale(ops.extent);
  const y = linearScale(max);
  const series: { f: number; outcome: string; points: string }[] = [];
  counts.forEach((byOutcome, f) =>
    byOutcome.forEach((c, o) => {
      if (!c.some((v) => v > 0)) return;
      const pts: string[] = [];
      for (let b = 0; b < nBuckets; b++) pts.push(`${r1(x(b * bucket + span(b) / 2))},${r1(y(c[b]! / span(b)))}`);
      series.push({ f, outcome: OUTCOMES[o]!, points: pts.join(' ') });
    }),
  );
  const top = CHART.top;
  const bottom = CHART.height - CHART.bottom;
  const band = finals
    ? html`<g class="final-reads"><rect x="${r1(x(finals.from))}" y="${top}" width="${r1(Math.max(x(finals.to) - x(finals.from), 2))}" height="${bottom - top}" fill="#5b6b8c" fill-opacity="0.12"/><text x="${r1(x(finals.from) - 4)}" y="${top + 12}" class="fault-label" fill="#5b6b8c" text-anchor="end">final reads ×${formatCount(finals.count)}</text></g>`
    : '';
  const yLabel = byTime ? 'operations per second' : `completions per ${bucket} position${bucket === 1 ? '' : 's'}`;
  const body = html`${chartFrame({ x, y, yTicks: y.ticks(6).map((t) => ({ value: t, label: byTime ? rateLabel(t) : formatCount(t) })), yLabel, windows, axis: ops.axis })}
${band}<g class="series">${series.map((s) => html`<polyline points="${s.points}" fill="none" stroke="${fColor(s.f)}" stroke-width="1.6"${DASH[s.outcome] ? html` stroke-dasharray="${DASH[s.outcome]!}"` : ''}/>`)}</g>`;
  const legend = html`<div class="legend">${series.map((s) => html`<span><svg width="22" height="10"><line x1="0" x2="22" y1="5" y2="5" stroke="${fColor(s.f)}" stroke-width="2"${DASH[s.outcome] ? html` stroke-dasharray="${DASH[s.outcome]!}"` : ''}/></svg>${ops.fs[s.f]!} ${s.outcome}</span>`)}</div>`;
  const what = byTime ? `Completions per second in ${bucket} s buckets` : `Completions per ${bucket} position${bucket === 1 ? '' : 's'} of the history (it has no times)`;
  const finalNote = finals ? ` The ${formatCount(finals.count)} final read${finals.count === 1 ? '' : 's'} (after the last heal) are the shaded band, left out of the lines so the workload keeps its scale.` : '';
  return html`<figure class="chart-figure">${chartSvg('throughput over time', body)}${legend}<figcaption>${what}, by operation and outcome (solid ok, dashed fail, dotted info).${finalNote}</figcaption></figure>`;
}
