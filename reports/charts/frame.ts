import { scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from 'd3-scale';
import { html, type SafeHtml } from '../escape.ts';
import type { FaultWindow } from '../../harness/faults/windows.ts';
import type { ChartAxis } from './chart-ops.ts';
import { faultColor } from './palette.ts';

export const CHART = { width: 960, height: 300, left: 64, right: 16, top: 22, bottom: 38 } as const;

/** Rounds a coordinate to one decimal: SVG paths with thousands of points stay small. */
export function r1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Seconds since the test started (or positions in the history), across the plot. */
export function timeScale(extent: number): ScaleLinear<number, number> {
  return scaleLinear()
    .domain([0, Math.max(extent, 1e-3)])
    .range([CHART.left, CHART.width - CHART.right]);
}

/** A log scale spanning whole decades around the data, for latencies in ms. */
export function logScale(min: number, max: number): ScaleLogarithmic<number, number> {
  const lo = 10 ** Math.floor(Math.log10(Math.max(min, 1e-3)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(max, lo * 10)));
  return scaleLog()
    .domain([lo, hi === lo ? lo * 10 : hi])
    .range([CHART.height - CHART.bottom, CHART.top]);
}

export function linearScale(max: number): ScaleLinear<number, number> {
  return scaleLinear()
    .domain([0, Math.max(max, 1)])
    .nice()
    .range([CHART.height - CHART.bottom, CHART.top]);
}

/** Shaded fault windows with their names along the top; a name that would overlap the last is left off. */
export function faultShading(x: ScaleLinear<number, number>, windows: readonly FaultWindow[], top: number, bottom: number): SafeHtml {
  const right = x.range()[1]!;
  let labelsEnd = -Infinity;
  return html`${windows.map((w) => {
    const x0 = x(w.start / 1e9);
    const x1 = Math.max(x(w.end / 1e9), x0 + 1);
    const color = faultColor(w.fault);
    const width = 7 * w.fault.length;
    // Near the right edge the name ends at the window's end instead of starting at its start.
    const atEnd = x0 + 2 + width > right;
    const lx = atEnd ? Math.min(x1, right) : x0 + 2;
    const from = atEnd ? lx - width : lx;
    const label = from > labelsEnd + 6;
    if (label) labelsEnd = from + width;
    return html`<g class="fault"><rect x="${r1(x0)}" y="${top}" width="${r1(x1 - x0)}" height="${bottom - top}" fill="${color}" fill-opacity="0.13"/><rect x="${r1(x0)}" y="${top}" width="${r1(x1 - x0)}" height="3" fill="${color}"/>${label ? html`<text x="${r1(lx)}" y="${top - 4}" class="fault-label" fill="${color}"${atEnd ? html` text-anchor="end"` : ''}>${w.fault}</text>` : ''}</g>`;
  })}`;
}

/** Axes, grid lines, tick labels and shading for a chart over test time. */
export function chartFrame(opts: {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number> | ScaleLogarithmic<number, number>;
  yTicks: { value: number; label: string }[];
  yLabel: string;
  windows: readonly FaultWindow[];
  axis: ChartAxis;
}): SafeHtml {
  const { x, y } = opts;
  const top = CHART.top;
  const bottom = CHART.height - CHART.bottom;
  const xTicks = x.ticks(10);
  const xFormat = x.tickFormat(10);
  return html`<rect x="${CHART.left}" y="${top}" width="${CHART.width - CHART.left - CHART.right}" height="${bottom - top}" class="plot-bg"/>
${faultShading(x, opts.windows, top, bottom)}
${opts.yTicks.map((t) => html`<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${r1(y(t.value))}" y2="${r1(y(t.value))}" class="grid"/><text x="${CHART.left - 6}" y="${r1(y(t.value) + 4)}" class="tick" text-anchor="end">${t.label}</text>`)}
${xTicks.map((t) => html`<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${bottom}" y2="${bottom + 4}" class="axis"/><text x="${r1(x(t))}" y="${bottom + 16}" class="tick" text-anchor="middle">${xFormat(t)}</text>`)}
<line x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${bottom}" y2="${bottom}" class="axis"/>
<line x1="${CHART.left}" x2="${CHART.left}" y1="${top}" y2="${bottom}" class="axis"/>
<text x="${(CHART.left + CHART.width - CHART.right) / 2}" y="${CHART.height - 4}" class="axis-label" text-anchor="middle">${opts.axis === 'time' ? 'seconds since the test started' : 'position in the history (it has no times)'}</text>
<text transform="translate(14 ${(top + bottom) / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${opts.yLabel}</text>`;
}

/** A chart's <svg> element. */
export function chartSvg(label: string, body: SafeHtml): SafeHtml {
  return html`<svg class="chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${label}" preserveAspectRatio="xMidYMid meet">${body}</svg>`;
}
