import { briefText } from '../harness/abbreviate.ts';
import type { LinearizabilityExplanation } from '../checkers/explanations.ts';
import type { OpPair } from '../harness/history/op.ts';
import { r1 } from './charts/frame.ts';
import { html, type SafeHtml } from './escape.ts';
import { compressedTimeAxis } from './time-axis.ts';
import { describeOp, formatKey, formatCount, formatMs, formatTestTime, truncate } from './format.ts';

/** Lanes never show more ops than this; a long key is cut to a window around the failure. */
export const MAX_VIEW_OPS = 40;

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

/** Past this many processes, lanes are shared (each bar then names its process). */
export const MAX_PROCESS_LANES = 12;

/**
 * A lane per process, as Porcupine draws it. When crashed clients have left many process ids,
 * ops share lanes instead (first fit, never overlapping), so the picture stays a few lanes tall.
 */
export function assignLanes(shown: readonly OpPair[]): { laneOf: Map<OpPair, number>; labels: string[]; packed: boolean } {
  const processes = [...new Set(shown.map((p) => p.invoke.process))].sort((a, b) => Number(a) - Number(b));
  if (processes.length <= MAX_PROCESS_LANES) {
    const lane = new Map(processes.map((p, i) => [p, i]));
    return { laneOf: new Map(shown.map((p) => [p, lane.get(p.invoke.process)!])), labels: processes.map((p) => `process ${String(p)}`), packed: false };
  }
  const laneEnds: number[] = [];
  const laneOf = new Map<OpPair, number>();
  for (const p of [...shown].sort((a, b) => a.invoke.time - b.invoke.time)) {
    const end = p.completion?.time ?? p.invoke.time;
    let lane = laneEnds.findIndex((e) => e < p.invoke.time);
    if (lane < 0) lane = laneEnds.push(end) - 1;
    else laneEnds[lane] = end;
    laneOf.set(p, lane);
  }
  return { laneOf, labels: laneEnds.map((_, i) => `lane ${i + 1}`), packed: true };
}

function opTip(expl: LinearizabilityExplanation, p: OpPair, k: number | undefined, what: string): string {
  const outcome = p.completion?.type ?? 'pending';
  const uncertain = outcome === 'info' || outcome === 'pending';
  const state = k === undefined ? undefined : expl.prefixStates?.[k];
  return [
    `${k !== undefined ? `#${k + 1} in the linearization · ` : ''}process ${String(p.invoke.process)} · op #${p.invoke.index}`,
    what,
    `invoked at ${formatTestTime(p.invoke.time)}; ${p.completion ? `${outcome} after ${formatMs((p.completion.time - p.invoke.time) / 1e6)}` : 'never completed'}${uncertain ? ' (may take effect at any later time, or never)' : ''}`,
    p.invoke.index === expl.failedOp
      ? `cannot be linearized: it is impossible from every state the prefix can reach (${expl.states.slice(0, STATES_SHOWN).join(' | ') || 'none'}${expl.states.length > STATES_SHOWN ? ` | … ${formatCount(expl.states.length - STATES_SHOWN)} more` : ''})`
      : k === undefined
        ? 'not in the longest linearizable prefix'
        : state === undefined
          ? 'linearized'
          : `model state after it: ${state}`,
  ].join('\n');
}

interface Bar {
  pair: OpPair;
  cls: string;
  xa: number;
  xb: number;
  lane: number;
  label: string;
  tip: string;
  uncertain: boolean;
}

const CHAR_PX = 6.4;

/** A bar's label goes inside it when it fits, else after it if the lane is free there. */
function barLabel(bar: Bar, next: number, y: number): SafeHtml | string {
  const inside = Math.floor((bar.xb - bar.xa - 8) / CHAR_PX);
  if (inside >= 6 || inside >= bar.label.length) return html`<text x="${r1(bar.xa + 4)}" y="${r1(y + 14)}">${truncate(bar.label, inside)}</text>`;
  const after = Math.floor((next - bar.xb - 10) / CHAR_PX);
  if (after >= 4) return html`<text class="outside" x="${r1(bar.xb + 4)}" y="${r1(y + 14)}">${truncate(bar.label, after)}</text>`;
  return inside >= 3 ? html`<text x="${r1(bar.xa + 4)}" y="${r1(y + 14)}">${truncate(bar.label, inside)}</text>` : '';
}

/**
 * A Porcupine-style picture of a failing key: a lane per process, each op a bar from invocation
 * to completion; the longest linearizable prefix green and numbered in linearization order; the
 * op that cannot be placed red. Hovering a bar shows the model state after it. Long idle
 * stretches are squeezed; a picture wider than the page scrolls, its lane names staying put.
 */
export function linearizabilityView(expl: LinearizabilityExplanation, pairs: ReadonlyMap<number, OpPair>): SafeHtml {
  const shown = viewWindow(expl, pairs);
  if (shown.length === 0) return html`<p class="empty">The history has none of the operations this explanation names.</p>`;
  const order = new Map(expl.longestPrefix.map((op, k) => [op, k]));
  const { laneOf, labels, packed } = assignLanes(shown);
  const endOf = (p: OpPair) => p.completion?.time ?? p.invoke.time;
  // Wide enough that a typical op, and the failing one, can carry a label.
  const durations = shown.map((p) => endOf(p) - p.invoke.time).sort((a, b) => a - b);
  const failedShown = shown.find((p) => p.invoke.index === expl.failedOp);
  const reference = Math.min(durations[Math.floor(durations.length / 2)]!, failedShown ? endOf(failedShown) - failedShown.invoke.time : Infinity);
  const axis = compressedTimeAxis(shown.map((p) => [p.invoke.time, endOf(p)] as const), 10, WIDTH - LEFT - 30, { minGapShare: 0, minReferencePx: 110, referenceDuration: reference, maxRight: 6000 });
  const width = Math.round(axis.right + 30);
  const top = 26;
  const height = top + labels.length * LANE_H + 26;
  const bars: Bar[] = shown.map((p) => {
    const k = order.get(p.invoke.index);
    const failed = p.invoke.index === expl.failedOp;
    const uncertain = p.completion === undefined || p.completion.type === 'info';
    const xa = axis.x(p.invoke.time);
    const what = describeOp(p.invoke, p.completion, 200, { withKey: false });
    return {
      pair: p,
      cls: failed ? 'lin-failed' : k !== undefined ? 'lin-prefix' : 'lin-other',
      xa,
      // An op whose outcome is unknown may take effect later: its bar runs on past its end.
      xb: Math.max(axis.x(endOf(p)) + (uncertain ? 24 : 0), xa + 3),
      lane: laneOf.get(p)!,
      label: `${failed ? '✗ ' : k !== undefined ? `${k + 1}. ` : ''}${packed ? `p${String(p.invoke.process)} ` : ''}${what}`,
      tip: opTip(expl, p, k, what),
      uncertain,
    };
  });
  const nextInLane = (b: Bar) => Math.min(width, ...bars.filter((o) => o.lane === b.lane && o.xa > b.xa).map((o) => o.xa));
  const laneY = (lane: number) => top + lane * LANE_H + (LANE_H - BAR_H) / 2;
  const lanesSvg = html`<svg class="lin-lanes" viewBox="0 0 ${LEFT} ${height}" style="width:${LEFT}px">${labels.map((label, i) => html`<text class="lane-label" x="8" y="${r1(top + i * LANE_H + LANE_H / 2 + 4)}">${label}</text>`)}</svg>`;
  const svg = html`<svg class="lin-view" viewBox="0 0 ${width} ${height}" style="width:${width}px" role="img" aria-label="operations on the failing key by process">
<g class="lin-axis">${axis.ticks.map((t) => html`<line x1="${r1(t.x)}" x2="${r1(t.x)}" y1="${top - 4}" y2="${height - 22}"/><text x="${r1(t.x)}" y="${height - 8}" text-anchor="middle">${t.label}</text>`)}
${axis.gaps.map((g) => html`<rect class="lin-gap" x="${r1(g.x0 + 4)}" y="${top - 4}" width="${r1(g.x1 - g.x0 - 8)}" height="${height - top - 18}"/><text class="lin-gap-mark" x="${r1((g.x0 + g.x1) / 2)}" y="${height - 8}" text-anchor="middle">≈</text>`)}</g>
${bars.map((b) => html`<g class="${b.cls}" data-tip="${b.tip}" data-op="${b.pair.invoke.index}"><rect x="${r1(b.xa)}" y="${r1(laneY(b.lane))}" width="${r1(b.xb - b.xa)}" height="${BAR_H}" rx="3"${b.uncertain ? html` stroke-dasharray="4 3"` : ''}/>${barLabel(b, nextInLane(b), laneY(b.lane))}</g>`)}
</svg>`;
  const total = expl.ops.length;
  return html`<div class="lin">
<p class="lin-summary">Key <code>${expl.key === undefined ? '(single register)' : formatKey(expl.key)}</code>, model <b>${expl.model}</b>: the longest linearizable prefix has ${formatCount(expl.longestPrefix.length)} of ${formatCount(total)} operations (green, numbered in linearization order); the red one cannot be placed after it.${shown.length < total ? ` Showing ${formatCount(shown.length)} operations around the failure.` : ''} Hover an operation for the model state.</p>
<div class="lin-legend"><span><i class="sw lin-prefix-sw"></i>linearized</span><span><i class="sw lin-failed-sw"></i>cannot be linearized</span><span><i class="sw lin-other-sw"></i>not in the prefix</span><span><i class="sw lin-open-sw"></i>dashed: outcome unknown (info)</span></div>
<div class="lin-frame">${lanesSvg}<div class="lin-scroll">${svg}</div></div>
<p class="lin-steps-head">How the search ends:</p>${searchEnd(expl, pairs)}
</div>`;
}

/** States named where the search ends; the failing op's hover names as many. */
const STATES_SHOWN = 6;

/** A model state, its middle left out when long (kv strings grow with every append); the whole on hover. */
function stateCode(state: string): SafeHtml {
  const shown = briefText(state, 100);
  return shown === state ? html`<code>${state}</code>` : html`<code data-tip="${state}">${shown}</code>`;
}

/** The last steps of the longest prefix, with states, and why the failing op cannot follow. */
function searchEnd(expl: LinearizabilityExplanation, pairs: ReadonlyMap<number, OpPair>): SafeHtml {
  const tail = expl.longestPrefix.slice(-5);
  const first = expl.longestPrefix.length - tail.length;
  const failed = pairs.get(expl.failedOp);
  const named = expl.states.slice(0, STATES_SHOWN);
  const more = expl.states.length - named.length;
  const states =
    expl.states.length === 0
      ? 'in no state'
      : html`in ${expl.states.length === 1 ? 'state' : 'one of the states'} ${named.map((s, i) => html`${i > 0 ? ', ' : ''}${stateCode(s)}`)}${more > 0 ? ` and ${formatCount(more)} more (all in results.json)` : ''}`;
  return html`<ol class="lin-steps" start="${first + 1}">${tail.map((opIndex, j) => {
    const p = pairs.get(opIndex);
    const state = expl.prefixStates?.[first + j];
    return html`<li><code>${p ? describeOp(p.invoke, p.completion, 100, { withKey: false }) : `op #${opIndex}`}</code> by process ${p ? String(p.invoke.process) : '?'}${state !== undefined ? html` → state ${stateCode(state)}` : ''}</li>`;
  })}<li class="lin-impossible">✗ <code>${expl.failedOpText ?? (failed ? describeOp(failed.invoke, failed.completion, 100, { withKey: false }) : `op #${expl.failedOp}`)}</code> by process ${failed ? String(failed.invoke.process) : '?'} cannot follow: the ${expl.model} could only be ${states}</li></ol>`;
}
