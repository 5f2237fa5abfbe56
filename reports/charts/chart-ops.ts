import { FINAL_READ } from '../../checkers/conventions.ts';
import type { History, OpPair } from '../../harness/history/op.ts';

export const OUTCOMES = ['ok', 'fail', 'info', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What the x axis measures: seconds since the test started, or, for a history with no times
 * (Porcupine logs, EDN without `:time`), an op's position in the file.
 */
export type ChartAxis = 'time' | 'position';

/** Client ops as columns, the shape both charts read (a million objects would not fit the budget). */
export interface ChartOps {
  axis: ChartAxis;
  /** Distinct operation names; `f[i]` indexes this. */
  fs: string[];
  /** Invocation: seconds since the test started, or position. */
  start: Float64Array;
  /** Invocation to completion: ms, or entries of the history; NaN when the op never completed. */
  latency: Float64Array;
  /** Completion: seconds, or position; NaN when the op never completed. */
  end: Float64Array;
  f: Uint16Array;
  /** Index into {@link OUTCOMES}. */
  outcome: Uint8Array;
  /** 1 for a final read (after the last heal): a burst drawn apart from the workload. */
  final: Uint8Array;
  /** Where the x axis ends: the last time anything happened (s), or the last position. */
  extent: number;
}

/**
 * Whether the history has real times. Importers give every op of a history without times its
 * position as its time (harness/importers), so times that all equal positions are none.
 */
export function hasTimes(history: History): boolean {
  for (const op of history) if (op.time !== op.index) return true;
  return history.length === 0;
}

export function chartOps(clientPairs: readonly OpPair[], endNs: number, axis: ChartAxis = 'time'): ChartOps {
  const n = clientPairs.length;
  const fs: string[] = [];
  const fIndex = new Map<string, number>();
  const byPosition = axis === 'position';
  const ops: ChartOps = {
    axis,
    fs,
    start: new Float64Array(n),
    latency: new Float64Array(n),
    end: new Float64Array(n),
    f: new Uint16Array(n),
    outcome: new Uint8Array(n),
    final: new Uint8Array(n),
    extent: byPosition ? endNs : endNs / 1e9,
  };
  for (let i = 0; i < n; i++) {
    const { invoke, completion } = clientPairs[i]!;
    let fi = fIndex.get(invoke.f);
    if (fi === undefined) {
      fi = fs.length;
      fs.push(invoke.f);
      fIndex.set(invoke.f, fi);
    }
    ops.f[i] = fi;
    ops.final[i] = invoke.f === 'read' && invoke.value === FINAL_READ ? 1 : 0;
    ops.start[i] = byPosition ? invoke.index : invoke.time / 1e9;
    if (completion) {
      ops.end[i] = byPosition ? completion.index : completion.time / 1e9;
      ops.latency[i] = byPosition ? completion.index - invoke.index : (completion.time - invoke.time) / 1e6;
      ops.outcome[i] = OUTCOMES.indexOf(completion.type as Outcome);
    } else {
      ops.end[i] = NaN;
      ops.latency[i] = NaN;
      ops.outcome[i] = 3;
    }
  }
  return ops;
}

/**
 * The bucket width charts use for these ops. By position, whole positions and fewer buckets: a
 * count per bucket of a few entries is mostly 0 or 1, so wider buckets show where ops pile up.
 */
export function opsBucket(ops: ChartOps): number {
  return ops.axis === 'position' ? Math.max(1, Math.round(bucketSeconds(ops.extent, 40))) : bucketSeconds(ops.extent);
}

/** A round bucket width (1, 2 or 5 × 10^k seconds) giving about `target` buckets over the test. */
export function bucketSeconds(endSeconds: number, target = 150): number {
  const raw = Math.max(endSeconds, 1e-3) / target;
  const decade = 10 ** Math.floor(Math.log10(raw));
  // toPrecision drops the float noise (0.1 × 2 = 0.2, not 0.20000000000000001).
  for (const m of [1, 2, 5, 10]) if (decade * m >= raw) return Number((decade * m).toPrecision(6));
  return Number((decade * 10).toPrecision(6));
}

/** The q-quantile of sorted values (nearest rank). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}
