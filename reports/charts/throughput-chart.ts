import { html, type SafeHtml } from '../escape.ts';
import type { FaultWindow } from '../../harness/faults/windows.ts';
import { formatCount } from '../format.ts';
import { bucketSeconds, OUTCOMES, type ChartOps } from './chart-ops.ts';
import { chartFrame, chartSvg, linearScale, r1, timeScale } from './frame.ts';
import { fColor } from './palette.ts';

const DASH: Record<string, string> = { ok: '', fail: '5 3', info: '1.5 2.5' };

function rateLabel(v: number): string {
  return v >= 1000 ? `${formatCount(v / 1000)}k/s` : `${formatCount(v)}/s`;
}

/** Completions per second over time, one line per operation and outcome. */
export function throughputChart(ops: ChartOps, windows: readonly FaultWindow[]): SafeHtml {
  const bucket = bucketSeconds(ops.endSeconds);
  const nBuckets = Math.max(1, Math.ceil(ops.endSeconds / bucket));
  // counts[f][outcome][bucket], by completion time: throughput is what clients got back.
  const counts = ops.fs.map(() => OUTCOMES.slice(0, 3).map(() => new Float64Array(nBuckets)));
  for (let i = 0; i < ops.start.length; i++) {
    const o = ops.outcome[i]!;
    if (o === 3) continue;
    const b = Math.min(nBuckets - 1, Math.floor(ops.end[i]! / bucket));
    counts[ops.f[i]!]![o]![b]!++;
  }
  // The last bucket may be cut short by the end of the test: divide by the time it covers.
  const span = (b: number) => Math.max(Math.min(bucket, ops.endSeconds - b * bucket), bucket / 10);
  let max = 0;
  for (const byOutcome of counts) for (const c of byOutcome) c.forEach((v, b) => (max = Math.max(max, v / span(b))));
  if (max === 0) return html`<p class="empty">No completed operations, so no throughput to draw.</p>`;
  const x = timeScale(ops.endSeconds);
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
  const body = html`${chartFrame({ x, y, yTicks: y.ticks(6).map((t) => ({ value: t, label: rateLabel(t) })), yLabel: 'operations per second', windows })}
<g class="series">${series.map((s) => html`<polyline points="${s.points}" fill="none" stroke="${fColor(s.f)}" stroke-width="1.6"${DASH[s.outcome] ? html` stroke-dasharray="${DASH[s.outcome]!}"` : ''}/>`)}</g>`;
  const legend = html`<div class="legend">${series.map((s) => html`<span><svg width="22" height="10"><line x1="0" x2="22" y1="5" y2="5" stroke="${fColor(s.f)}" stroke-width="2"${DASH[s.outcome] ? html` stroke-dasharray="${DASH[s.outcome]!}"` : ''}/></svg>${ops.fs[s.f]!} ${s.outcome}</span>`)}</div>`;
  return html`<figure class="chart-figure">${chartSvg('throughput over time', body)}${legend}<figcaption>Completions per second in ${bucket} s buckets, by operation and outcome (solid ok, dashed fail, dotted info).</figcaption></figure>`;
}
