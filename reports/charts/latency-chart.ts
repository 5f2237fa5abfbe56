import { html, type SafeHtml } from '../escape.ts';
import type { FaultWindow } from '../../harness/faults/windows.ts';
import { formatCount, formatMs } from '../format.ts';
import { opsBucket, quantileSorted, type ChartOps } from './chart-ops.ts';
import { chartFrame, chartSvg, logScale, r1, timeScale } from './frame.ts';
import { fColor } from './palette.ts';

/** At most this many points are drawn; quantile lines always use every op. */
export const MAX_POINTS = 8000;

const QUANTILES = [
  { q: 0.5, label: 'p50', cls: 'q50' },
  { q: 0.95, label: 'p95', cls: 'q95' },
  { q: 0.99, label: 'p99', cls: 'q99' },
  { q: 1, label: 'max', cls: 'qmax' },
] as const;

const SHAPE_LABEL = ['ok', 'fail', 'info (outcome unknown)'] as const;

/**
 * Which ops get a point: all of them when few, otherwise the slowest op of every
 * (time bucket, f, outcome) — so outliers and rare failures always show — plus an even
 * deterministic sample of the rest.
 */
export function samplePoints(ops: ChartOps, bucket: number, max = MAX_POINTS): number[] {
  const n = ops.start.length;
  const drawable: number[] = [];
  for (let i = 0; i < n; i++) if (ops.outcome[i]! < 3) drawable.push(i);
  if (drawable.length <= max) return drawable;
  const slowest = new Map<string, number>();
  for (const i of drawable) {
    const key = `${Math.floor(ops.start[i]! / bucket)}:${ops.f[i]}:${ops.outcome[i]}`;
    const cur = slowest.get(key);
    if (cur === undefined || ops.latency[i]! > ops.latency[cur]!) slowest.set(key, i);
  }
  const keep = new Set(slowest.values());
  const room = Math.max(0, max - keep.size);
  const stride = drawable.length / Math.max(room, 1);
  for (let k = 0; k < room; k++) keep.add(drawable[Math.floor(k * stride)]!);
  return [...keep].sort((a, b) => a - b);
}

function point(shape: number, x: number, y: number): string {
  const r = 2.4;
  if (shape === 0) return `M${r1(x - r)} ${r1(y)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
  if (shape === 1) return `M${r1(x - r)} ${r1(y - r)}l${2 * r} ${2 * r}m0 ${-2 * r}l${-2 * r} ${2 * r}`;
  return `M${r1(x)} ${r1(y - r - 0.6)}l${r + 0.6} ${2 * r}h${-2 * r - 1.2}z`;
}

/** Latency of every op over time on a log scale: points by f (colour) and outcome (shape). */
export function latencyChart(ops: ChartOps, windows: readonly FaultWindow[]): SafeHtml {
  const bucket = opsBucket(ops);
  const byTime = ops.axis === 'time';
  const per = byTime ? `${bucket} s` : `${bucket} position${bucket === 1 ? '' : 's'}`;
  const chosen = samplePoints(ops, bucket);
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < ops.latency.length; i++) {
    const l = ops.latency[i]!;
    if (Number.isNaN(l)) continue;
    if (l > 0 && l < min) min = l;
    if (l > max) max = l;
  }
  if (max === 0) return html`<p class="empty">No completed operations, so no latencies to draw.</p>`;
  const x = timeScale(ops.extent);
  const y = logScale(min, max);
  const clampY = (ms: number) => y(Math.max(ms, y.domain()[0]!));
  const paths = new Map<string, string[]>();
  for (const i of chosen) {
    const key = `${ops.f[i]}:${ops.outcome[i]}`;
    let parts = paths.get(key);
    if (!parts) paths.set(key, (parts = []));
    parts.push(point(ops.outcome[i]!, x(ops.start[i]!), clampY(ops.latency[i]!)));
  }
  const quantileLines = quantilesOverTime(ops, bucket);
  const yTicks = y.ticks().filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9).map((t) => ({ value: t, label: byTime ? formatMs(t) : formatCount(t) }));
  const yLabel = byTime ? 'latency (log scale)' : 'entries from invocation to completion (log)';
  const body = html`${chartFrame({ x, y, yTicks, yLabel, windows, axis: ops.axis })}
<g class="points">${[...paths].map(([key, parts]) => {
    const [fi, shape] = key.split(':').map(Number) as [number, number];
    const color = fColor(fi);
    return shape === 1
      ? html`<path d="${parts.join('')}" stroke="${color}" stroke-width="1.3" fill="none"/>`
      : html`<path d="${parts.join('')}" fill="${color}" fill-opacity="${shape === 0 ? 0.45 : 0.85}"${shape === 2 ? html` stroke="#000" stroke-width="0.4"` : ''}/>`;
  })}</g>
<g class="quantiles">${QUANTILES.map(({ q, cls }) => {
    const pts = quantileLines.map((b) => `${r1(x(b.t))},${r1(clampY(b.values[QUANTILES.findIndex((d) => d.q === q)]!))}`);
    return pts.length > 1 ? html`<polyline class="${cls}" points="${pts.join(' ')}"/>` : '';
  })}</g>`;
  const fsUsed = ops.fs.map((f, i) => ({ f, i }));
  const legend = html`<div class="legend">${fsUsed.map(({ f, i }) => html`<span><i class="sw" style="background:${fColor(i)}"></i>${f}</span>`)}
<span class="sep"></span>${SHAPE_LABEL.map((label, shape) => html`<span><svg width="12" height="12" viewBox="0 0 12 12"><path d="${point(shape, 6, 6.5)}" ${shape === 1 ? html`stroke="#333" fill="none"` : html`fill="#555"`}/></svg>${label}</span>`)}
<span class="sep"></span>${QUANTILES.map(({ label, cls }) => html`<span><svg width="22" height="10"><line x1="0" x2="22" y1="5" y2="5" class="${cls}"/></svg>${label}</span>`)}</div>`;
  const drawable = ops.outcome.filter((o) => o < 3).length;
  const caption = chosen.length < drawable
    ? `Showing ${formatCount(chosen.length)} of ${formatCount(drawable)} operations: the slowest of each operation and outcome in every ${per}, plus an even sample. Quantile lines use every successful operation.`
    : `Every completed operation (${formatCount(drawable)}). Quantile lines are over successful operations per ${per}.`;
  const note = byTime ? '' : ' The history has no times, so ops are placed by their position in it and "latency" counts the entries between invocation and completion.';
  return html`<figure class="chart-figure">${chartSvg('latency over time', body)}${legend}<figcaption>${caption}${note}</figcaption></figure>`;
}

/** Per time bucket, the quantiles of successful latencies. */
function quantilesOverTime(ops: ChartOps, bucket: number): { t: number; values: number[] }[] {
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < ops.start.length; i++) {
    if (ops.outcome[i] !== 0) continue;
    const b = Math.floor(ops.start[i]! / bucket);
    let list = buckets.get(b);
    if (!list) buckets.set(b, (list = []));
    list.push(ops.latency[i]!);
  }
  return [...buckets.keys()].sort((a, b) => a - b).map((b) => {
    const sorted = Float64Array.from(buckets.get(b)!).sort();
    return { t: (b + 0.5) * bucket, values: QUANTILES.map(({ q }) => quantileSorted(sorted, q)) };
  });
}

