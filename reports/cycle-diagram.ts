import type { CycleExplanation, CycleStep, CycleTxn, EdgeKind } from '../checkers/explanations.ts';
import { r1 } from './charts/frame.ts';
import { html, type SafeHtml } from './escape.ts';
import { formatKey, formatValue, formatValueForTip, formatValueFull, formatValueLines, truncate } from './format.ts';

/** How each dependency is drawn, and what it means in one phrase (for the legend). */
export const EDGE_STYLES: Record<EdgeKind, { color: string; dash: string; meaning: string }> = {
  ww: { color: '#7b3fa0', dash: '', meaning: 'wrote over: the second overwrote the first’s write' },
  wr: { color: '#1f6fb2', dash: '', meaning: 'read from: the second read the first’s write' },
  rw: { color: '#c0392b', dash: '6 4', meaning: 'anti-dependency: the first read a version the second then overwrote' },
  process: { color: '#555555', dash: '2 3', meaning: 'process order: the same client ran the first, then the second' },
  realtime: { color: '#11806a', dash: '8 3 2 3', meaning: 'real time: the first finished before the second began' },
};

const NODE_W = 224;
/** Characters per line inside a node (12px monospace is about 7.2px a character). */
const NODE_CHARS = 27;
const LINE_H = 15;
const MAX_LINES = 5;

export function isCycleExplanation(e: unknown): e is CycleExplanation {
  if (typeof e !== 'object' || e === null) return false;
  const c = e as Partial<CycleExplanation>;
  return (
    c.kind === 'cycle' &&
    Array.isArray(c.txns) &&
    Array.isArray(c.steps) &&
    c.txns.length >= 1 &&
    c.steps.every((s) => Number.isInteger(s.from) && Number.isInteger(s.to) && s.from >= 0 && s.to >= 0 && s.from < c.txns!.length && s.to < c.txns!.length && s.kind in EDGE_STYLES)
  );
}

/** The short label on an edge: `rw x 3→4`, `wr y [1 2]`, `process`. */
export function edgeLabel(step: CycleStep): string {
  if (step.kind === 'process' || step.kind === 'realtime') return step.kind;
  const key = step.key === undefined ? '' : ` ${formatKey(step.key)}`;
  const v = step.value === undefined ? '' : ` ${formatValue(step.value, 14)}`;
  const next = step.nextValue === undefined ? '' : `→${formatValue(step.nextValue, 14)}`;
  return truncate(`${step.kind}${key}${v}${next}`, 34);
}

interface Box {
  cx: number;
  cy: number;
  w: number;
  h: number;
}

/** Where the ray from a box's centre in direction (dx, dy) leaves the box (plus a gap). */
function exitPoint(b: Box, dx: number, dy: number, gap = 4): [number, number] {
  const hw = b.w / 2 + gap;
  const hh = b.h / 2 + gap;
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  return [b.cx + dx * t, b.cy + dy * t];
}

/** A transaction's hover: its micro-ops one per line, long reads cut to their first and last 15 elements. */
function txnTip(t: CycleTxn): string {
  const lines = formatValueForTip(t.value);
  const cut = lines.join('\n') !== formatValueFull(t.value).join('\n');
  return [`${t.name} (process ${t.process}, op #${t.op})`, ...lines, ...(cut ? ['(the full value is in the table below the diagram)'] : [])].join('\n');
}

/**
 * The cycle as an SVG: transactions on a circle in cycle order, each dependency a curved arrow
 * labelled with its kind, key and values. `id` keeps marker ids unique within the page.
 */
export function cycleDiagram(expl: CycleExplanation, id: string): SafeHtml {
  const n = expl.txns.length;
  const heights = expl.txns.map((t) => 34 + LINE_H * Math.min(formatValueLines(t.value).length, MAX_LINES + 1));
  const maxH = Math.max(...heights);
  const radius = n <= 2 ? 190 : Math.max(160, (NODE_W + 140) / (2 * Math.sin(Math.PI / n)), (maxH + 90) / (2 * Math.sin(Math.PI / n)));
  const start = n === 2 ? Math.PI : -Math.PI / 2;
  const boxes: Box[] = expl.txns.map((_, i) => {
    const a = start + (2 * Math.PI * i) / n;
    return { cx: radius * Math.cos(a), cy: radius * Math.sin(a), w: NODE_W, h: heights[i]! };
  });
  const edges = expl.steps.map((s, k) => {
    const a = boxes[s.from]!;
    const b = boxes[s.to]!;
    const dx = b.cx - a.cx;
    const dy = b.cy - a.cy;
    const len = Math.hypot(dx, dy) || 1;
    // Two txns: bend each way so the pair of arrows separate; more: bow outward like the circle.
    const mx = (a.cx + b.cx) / 2;
    const my = (a.cy + b.cy) / 2;
    let nx = dy / len;
    let ny = -dx / len;
    if (n > 2 && Math.hypot(mx, my) > 1) [nx, ny] = [mx / Math.hypot(mx, my), my / Math.hypot(mx, my)];
    // Several edges between the same pair are fanned out.
    const same = expl.steps.slice(0, k).filter((o) => o.from === s.from && o.to === s.to).length;
    const bend = len * (n === 2 ? 0.32 : 0.2) + same * 34;
    const cx = mx + nx * bend;
    const cy = my + ny * bend;
    const [x0, y0] = exitPoint(a, cx - a.cx, cy - a.cy);
    const [x1, y1] = exitPoint(b, cx - b.cx, cy - b.cy, 7);
    const lx = 0.25 * x0 + 0.5 * cx + 0.25 * x1;
    const ly = 0.25 * y0 + 0.5 * cy + 0.25 * y1;
    return { step: s, d: `M${r1(x0)} ${r1(y0)}Q${r1(cx)} ${r1(cy)} ${r1(x1)} ${r1(y1)}`, lx, ly, label: edgeLabel(s) };
  });
  const xs = [...boxes.flatMap((b) => [b.cx - b.w / 2, b.cx + b.w / 2]), ...edges.flatMap((e) => [e.lx - 3.7 * e.label.length - 6, e.lx + 3.7 * e.label.length + 6])];
  const ys = [...boxes.flatMap((b) => [b.cy - b.h / 2, b.cy + b.h / 2]), ...edges.flatMap((e) => [e.ly - 14, e.ly + 14])];
  const pad = 16;
  const minX = Math.min(...xs) - pad;
  const minY = Math.min(...ys) - pad;
  const w = Math.max(...xs) + pad - minX;
  const h = Math.max(...ys) + pad - minY;
  const kinds = [...new Set(expl.steps.map((s) => s.kind))];
  return html`<svg class="cycle" viewBox="${r1(minX)} ${r1(minY)} ${r1(w)} ${r1(h)}" width="${Math.round(Math.min(w, 920))}" role="img" aria-label="dependency cycle of ${n} transactions">
<defs>${kinds.map((k) => html`<marker id="${id}-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${EDGE_STYLES[k].color}"/></marker>`)}</defs>
${edges.map((e) => {
    const st = EDGE_STYLES[e.step.kind];
    return html`<g class="edge" data-tip="${e.step.text}"><path d="${e.d}" fill="none" stroke="${st.color}" stroke-width="2"${st.dash ? html` stroke-dasharray="${st.dash}"` : ''} marker-end="url(#${id}-${e.step.kind})"/></g>`;
  })}
${edges.map((e) => {
    const st = EDGE_STYLES[e.step.kind];
    const tw = 7.3 * e.label.length + 12;
    return html`<g class="edge-label" data-tip="${e.step.text}"><rect x="${r1(e.lx - tw / 2)}" y="${r1(e.ly - 10)}" width="${r1(tw)}" height="19" rx="4" fill="#fff" stroke="${st.color}"/><text x="${r1(e.lx)}" y="${r1(e.ly + 4)}" text-anchor="middle" fill="${st.color}">${e.label}</text></g>`;
  })}
${expl.txns.map((t, i) => {
    const b = boxes[i]!;
    const lines = formatValueLines(t.value, NODE_CHARS);
    const shown = lines.length > MAX_LINES + 1 ? [...lines.slice(0, MAX_LINES), `+${lines.length - MAX_LINES} more`] : lines;
    const x = b.cx - b.w / 2;
    const y = b.cy - b.h / 2;
    // 14px bold is about 8.6px a character, the 11px meta about 6.2px.
    const name = truncate(t.name, 12);
    const metaChars = Math.floor((NODE_W - 28 - name.length * 8.6) / 6.2);
    return html`<g class="txn" data-tip="${txnTip(t)}"><rect x="${r1(x)}" y="${r1(y)}" width="${b.w}" height="${b.h}" rx="7"/><text x="${r1(x + 10)}" y="${r1(y + 19)}" class="txn-name">${name}<tspan class="txn-meta" dx="8">${truncate(`process ${String(t.process)} · op #${t.op}`, metaChars)}</tspan></text>${shown.map((line, j) => html`<text x="${r1(x + 10)}" y="${r1(y + 38 + j * LINE_H)}" class="txn-op">${line}</text>`)}</g>`;
  })}
</svg>
<ul class="edge-legend">${kinds.map((k) => html`<li><svg width="30" height="10"><line x1="0" x2="30" y1="5" y2="5" stroke="${EDGE_STYLES[k].color}" stroke-width="2"${EDGE_STYLES[k].dash ? html` stroke-dasharray="${EDGE_STYLES[k].dash}"` : ''}/></svg><b>${k}</b> ${EDGE_STYLES[k].meaning}</li>`)}</ul>`;
}
