import { scaleLinear } from 'd3-scale';
import type { LinearizabilityExplanation } from '../checkers/explanations.ts';
import type { OpPair } from '../harness/history/op.ts';
import { r1 } from './charts/frame.ts';
import { html, type SafeHtml } from './escape.ts';
import { describeOp, formatKey, formatCount, formatMs, formatTestTime, truncate } from './format.ts';

/** Lanes never show more ops than this; a long key is cut to a window around the failure. */
export const MAX_VIEW_OPS = 80;

const LANE_H = 30;
const BAR_H = 20;
const LEFT = 78;
const WIDTH = 960;

export function isLinearizabilityExplanation(e: unknown): e is LinearizabilityExplanation {
  if (typeof e !== 'object' || e === null) return false;
  const l = e as Partial<LinearizabilityExplanation>;
  return l.kind === 'linearizability' && Array.isArray(l.ops) && Array.isArray(l.longestPrefix) && Number.isInteger(l.failedOp) && Array.isArray(l.states);
}

/**
 * The ops to draw: all of them when few, otherwise the ops around the failing one (by invocation
 * time) plus every op that overlaps it — the ones a reader must see to understand why it fails.
 */
export function viewWindow(expl: LinearizabilityExplanation, pairs: ReadonlyMap<number, OpPair>, max = MAX_VIEW_OPS): OpPair[] {
  const all = expl.ops.map((i) => pairs.get(i)).filter((p): p is OpPair => p !== undefined);
  all.sort((a, b) => a.invoke.time - b.invoke.time);
  if (all.length <= max) return all;
  const pos = Math.max(0, all.findIndex((p) => p.invoke.index === expl.failedOp));
  const failed = all[pos]!;
  const failEnd = failed.completion?.time ?? Infinity;
  const chosen = new Set<OpPair>([failed]);
  const overlaps = (p: OpPair) => p.invoke.time <= failEnd && (p.completion?.time ?? Infinity) >= failed.invoke.time;
  for (const p of all) if (overlaps(p) && chosen.size < max / 2) chosen.add(p);
  // Three ops before the failure for each one after: the prefix leading up to it matters most.
  const before = all.slice(0, pos).reverse();
  const after = all.slice(pos + 1);
  let b = 0;
  let a = 0;
  while (chosen.size < max && (b < before.length || a < after.length)) {
    for (let j = 0; j < 3 && b < before.length && chosen.size < max; j++) chosen.add(before[b++]!);
    if (a < after.length && chosen.size < max) chosen.add(after[a++]!);
  }
  return all.filter((p) => chosen.has(p));
}

/**
 * A Porcupine-style picture of a failing key: a lane per process, each op a bar from invocation
 * to completion; the longest linearizable prefix green and numbered in linearization order; the
 * op that cannot be placed red. Hovering a bar shows the model state after it.
 */
export function linearizabilityView(expl: LinearizabilityExplanation, pairs: ReadonlyMap<number, OpPair>): SafeHtml {
  const shown = viewWindow(expl, pairs);
  if (shown.length === 0) return html`<p class="empty">The history has none of the operations this explanation names.</p>`;
  const order = new Map(expl.longestPrefix.map((op, k) => [op, k]));
  const processes = [...new Set(shown.map((p) => p.invoke.process))].sort((a, b) => Number(a) - Number(b));
  const lane = new Map(processes.map((p, i) => [p, i]));
  const t0 = Math.min(...shown.map((p) => p.invoke.time));
  const ends = shown.map((p) => p.completion?.time ?? p.invoke.time);
  const t1 = Math.max(...ends, t0 + 1);
  const pad = (t1 - t0) * 0.03;
  const x = scaleLinear().domain([t0 - pad, t1 + pad]).range([LEFT, WIDTH - 12]);
  const top = 26;
  const height = top + processes.length * LANE_H + 26;
  const ticks = x.ticks(8);
  const stateAfter = (k: number) => expl.prefixStates?.[k];
  const bars = shown.map((p) => {
    const k = order.get(p.invoke.index);
    const failed = p.invoke.index === expl.failedOp;
    const outcome = p.completion?.type ?? 'pending';
    const uncertain = outcome === 'info' || outcome === 'pending';
    const xa = x(p.invoke.time);
    const xb = Math.max(x(p.completion?.time ?? t1), xa + 3);
    const y = top + lane.get(p.invoke.process)! * LANE_H + (LANE_H - BAR_H) / 2;
    const cls = failed ? 'lin-failed' : k !== undefined ? 'lin-prefix' : 'lin-other';
    const what = describeOp(p.invoke, p.completion, 200, { withKey: false });
    const label = `${failed ? '✗ ' : k !== undefined ? `${k + 1}. ` : ''}${what}`;
    const fit = Math.floor((xb - xa - 8) / 6.4);
    const tip = [
      `${k !== undefined ? `#${k + 1} in the linearization · ` : ''}process ${String(p.invoke.process)} · op #${p.invoke.index}`,
      `${what}`,
      `invoked at ${formatTestTime(p.invoke.time)}; ${p.completion ? `${outcome} after ${formatMs((p.completion.time - p.invoke.time) / 1e6)}` : 'never completed'}${uncertain ? ' (may take effect at any later time, or never)' : ''}`,
      failed
        ? `cannot be linearized: it is impossible from every state the prefix can reach (${expl.states.join(' | ') || 'none'})`
        : k !== undefined
          ? stateAfter(k) !== undefined
            ? `model state after it: ${stateAfter(k)}`
            : 'linearized'
          : 'not in the longest linearizable prefix',
    ].join('\n');
    return html`<g class="${cls}" data-tip="${tip}" data-op="${p.invoke.index}"><rect x="${r1(xa)}" y="${r1(y)}" width="${r1(xb - xa)}" height="${BAR_H}" rx="3"${uncertain ? html` stroke-dasharray="4 3"` : ''}/>${fit >= 3 ? html`<text x="${r1(xa + 4)}" y="${r1(y + 14)}">${truncate(label, fit)}</text>` : ''}</g>`;
  });
  const total = expl.ops.length;
  const svg = html`<svg class="lin-view" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="operations on the failing key by process">
<g class="lin-axis">${ticks.map((t) => html`<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${top - 4}" y2="${height - 22}"/><text x="${r1(x(t))}" y="${height - 8}" text-anchor="middle">${(t / 1e9).toFixed(3)} s</text>`)}</g>
${processes.map((p, i) => html`<text class="lane-label" x="8" y="${r1(top + i * LANE_H + LANE_H / 2 + 4)}">process ${String(p)}</text>`)}
${bars}
</svg>`;
  const tail = expl.longestPrefix.slice(-5);
  const failedPair = pairs.get(expl.failedOp);
  const steps = html`<ol class="lin-steps" start="${expl.longestPrefix.length - tail.length + 1}">${tail.map((opIndex, j) => {
    const k = expl.longestPrefix.length - tail.length + j;
    const p = pairs.get(opIndex);
    const state = stateAfter(k);
    return html`<li><code>${p ? describeOp(p.invoke, p.completion, 100, { withKey: false }) : `op #${opIndex}`}</code> by process ${p ? String(p.invoke.process) : '?'}${state !== undefined ? html` → state <code>${state}</code>` : ''}</li>`;
  })}<li class="lin-impossible">✗ <code>${failedPair ? describeOp(failedPair.invoke, failedPair.completion, 100, { withKey: false }) : `op #${expl.failedOp}`}</code> by process ${failedPair ? String(failedPair.invoke.process) : '?'} cannot follow: the ${expl.model} could only be ${expl.states.length === 0 ? 'in no state' : html`in ${expl.states.length === 1 ? 'state' : 'one of the states'} ${expl.states.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)}`}</li></ol>`;
  return html`<div class="lin">
<p class="lin-summary">Key <code>${expl.key === undefined ? '(single register)' : formatKey(expl.key)}</code>, model <b>${expl.model}</b>: the longest linearizable prefix has ${formatCount(expl.longestPrefix.length)} of ${formatCount(total)} operations (green, numbered in linearization order); the red one cannot be placed after it.${shown.length < total ? ` Showing ${formatCount(shown.length)} operations around the failure.` : ''} Hover an operation for the model state.</p>
<div class="lin-legend"><span><i class="sw lin-prefix-sw"></i>linearized</span><span><i class="sw lin-failed-sw"></i>cannot be linearized</span><span><i class="sw lin-other-sw"></i>not in the prefix</span><span><i class="sw lin-open-sw"></i>dashed: outcome unknown (info)</span></div>
${svg}
<p class="lin-steps-head">How the search ends:</p>${steps}
</div>`;
}

