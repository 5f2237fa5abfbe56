import { scaleLinear } from 'd3-scale';

/** A time axis whose long idle stretches are squeezed to a fixed width. Times in ns. */
export interface CompressedAxis {
  x(t: number): number;
  /** Where the axis ends: `right`, or further when ops needed the room. */
  right: number;
  ticks: { x: number; label: string }[];
  /** Squeezed gaps, in px, to draw as breaks. */
  gaps: { x0: number; x1: number }[];
}

/** Width of a squeezed gap. */
export const GAP_PX = 18;

export interface AxisOptions {
  /** Gaps shorter than this share of the whole span are kept (besides three median durations). */
  minGapShare?: number;
  /** Widen the axis past `right` until an op of `referenceDuration` (default: the median) is this wide… */
  minReferencePx?: number;
  referenceDuration?: number;
  /** …but never past this. */
  maxRight?: number;
}

/**
 * Lays `intervals` out from `left` to `right` px. Stretches where no interval is active and that
 * are long (over `minGapShare` of the span and three median durations) shrink to
 * {@link GAP_PX}, so ops on a rarely-used key stay wide enough to read; busy stretches keep
 * true proportions. With `minMedianPx` the axis grows (the picture then scrolls).
 */
export function compressedTimeAxis(intervals: readonly (readonly [number, number])[], left: number, right: number, opts: AxisOptions = {}): CompressedAxis {
  const { minGapShare = 0.05, minReferencePx = 0, maxRight = right } = opts;
  const sorted = intervals.map(([a, b]) => [a, Math.max(a, b)] as [number, number]).sort((p, q) => p[0] - q[0]);
  if (sorted.length === 0) return { x: () => left, right, ticks: [], gaps: [] };
  const durations = sorted.map(([a, b]) => b - a).sort((p, q) => p - q);
  const median = durations[Math.floor(durations.length / 2)]!;
  const span = Math.max(...sorted.map((s) => s[1])) - sorted[0]![0] || 1;
  const minGap = Math.max(span * minGapShare, median * 3);
  // Merge into busy segments separated by long gaps.
  const segments: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = segments[segments.length - 1];
    if (last && a - last[1] <= minGap) last[1] = Math.max(last[1], b);
    else segments.push([a, b]);
  }
  // Pad each segment a little so bars do not touch the breaks.
  const busy = segments.reduce((n, [a, b]) => n + (b - a), 0) || 1;
  const pad = busy * 0.02;
  const padded = segments.map(([a, b]) => [a - pad, b + pad] as [number, number]);
  const gapsPx = GAP_PX * (padded.length - 1);
  const totalTime = padded.reduce((n, [a, b]) => n + (b - a), 0);
  const reference = opts.referenceDuration ?? median;
  const wanted = reference > 0 && minReferencePx > 0 ? left + gapsPx + (totalTime / reference) * minReferencePx : right;
  const end = Math.max(right, Math.min(maxRight, wanted));
  const totalPx = end - left - gapsPx;
  let px = left;
  const placed = padded.map(([a, b]) => {
    const w = (totalPx * (b - a)) / totalTime;
    const seg = { a, b, x0: px, x1: px + w };
    px += w + GAP_PX;
    return seg;
  });
  const x = (t: number) => {
    const seg = placed.find((s) => t <= s.b) ?? placed[placed.length - 1]!;
    if (t < seg.a) return seg.x0;
    return seg.x0 + ((Math.min(t, seg.b) - seg.a) / (seg.b - seg.a || 1)) * (seg.x1 - seg.x0);
  };
  const ticks: { x: number; label: string }[] = [];
  let lastLabel = -Infinity;
  for (const s of placed) {
    const scale = scaleLinear().domain([s.a, s.b]).range([s.x0, s.x1]);
    const count = Math.max(1, Math.floor((s.x1 - s.x0) / 120));
    const values = scale.ticks(count);
    const digits = Math.max(3, Math.min(6, 1 - Math.floor(Math.log10(Math.max((s.b - s.a) / count, 1) / 1e9))));
    for (const v of values.length > 0 ? values : [(s.a + s.b) / 2]) {
      const tx = scale(v);
      // Labels are about 80 px wide: keep them apart and clear of the break marks.
      const nearBreak = (placed.length > 1 && tx - s.x0 < 40 && s !== placed[0]) || (tx > s.x1 - 40 && s !== placed[placed.length - 1]);
      if (tx - lastLabel < 100 || nearBreak) continue;
      ticks.push({ x: tx, label: `${(v / 1e9).toFixed(digits)} s` });
      lastLabel = tx;
    }
  }
  const gaps = placed.slice(1).map((s, i) => ({ x0: placed[i]!.x1, x1: s.x0 }));
  return { x, right: end, ticks, gaps };
}
