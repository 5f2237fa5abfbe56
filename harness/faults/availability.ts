import type { History } from '../history/op.ts';
import type { FaultWindow } from './windows.ts';

/**
 * How clients fared during one fault window (results.json `availability[]`). `start`/`end` are
 * history times (ns since the test started).
 */
export interface FaultAvailability {
  fault: string;
  start: number;
  end: number;
  /** Client completions inside the window, by outcome. */
  ok: number;
  fail: number;
  info: number;
  /** Longest stretch inside the window with no successful operation. */
  longestGapMs: number;
  /** From the heal to the next successful operation; undefined when none followed. */
  healToFirstOkMs?: number;
}

/** Client completion times by outcome, in time order. */
export interface Completions {
  ok: number[];
  fail: number[];
  info: number[];
}

export function clientCompletions(history: History): Completions {
  const c: Completions = { ok: [], fail: [], info: [] };
  for (const op of history) if (op.process !== 'nemesis' && op.type !== 'invoke') c[op.type].push(op.time);
  for (const list of [c.ok, c.fail, c.info]) list.sort((a, b) => a - b);
  return c;
}

/** First position in sorted `xs` whose value is >= `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countIn(xs: readonly number[], start: number, end: number): number {
  return lowerBound(xs, end + 1) - lowerBound(xs, start);
}

/** Availability for each fault window, so CP-versus-AP behaviour is visible per fault. */
export function availabilityPerFault(history: History, windows: readonly FaultWindow[], completions = clientCompletions(history)): FaultAvailability[] {
  const { ok } = completions;
  return windows.map((w) => {
    const first = lowerBound(ok, w.start);
    const last = lowerBound(ok, w.end + 1);
    let gap = 0;
    let prev = w.start;
    for (let i = first; i < last; i++) {
      gap = Math.max(gap, ok[i]! - prev);
      prev = ok[i]!;
    }
    gap = Math.max(gap, w.end - prev);
    const a: FaultAvailability = {
      fault: w.fault,
      start: w.start,
      end: w.end,
      ok: last - first,
      fail: countIn(completions.fail, w.start, w.end),
      info: countIn(completions.info, w.start, w.end),
      longestGapMs: gap / 1e6,
    };
    const after = ok[last];
    if (!w.unhealed && after !== undefined) a.healToFirstOkMs = (after - w.end) / 1e6;
    return a;
  });
}

/** Client completions outside every fault window: the baseline the windows compare against. */
export function outsideFaults(completions: Completions, windows: readonly FaultWindow[]): { ok: number; fail: number; info: number } {
  const spans = windows.map((w) => [w.start, w.end] as const).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const count = (xs: readonly number[]) => xs.length - merged.reduce((n, [s, e]) => n + countIn(xs, s, e), 0);
  return { ok: count(completions.ok), fail: count(completions.fail), info: count(completions.info) };
}
