import type { OpPair } from '../../harness/history/op.ts';

export const OUTCOMES = ['ok', 'fail', 'info', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Client ops as columns, the shape both charts read (a million objects would not fit the budget). */
export interface ChartOps {
  /** Distinct operation names; `f[i]` indexes this. */
  fs: string[];
  /** Invocation time, seconds since the test started. */
  start: Float64Array;
  /** Invocation to completion in ms; NaN when the op never completed. */
  latency: Float64Array;
  /** Completion time in seconds; NaN when the op never completed. */
  end: Float64Array;
  f: Uint16Array;
  /** Index into {@link OUTCOMES}. */
  outcome: Uint8Array;
  /** The last time anything happened, seconds. */
  endSeconds: number;
}

export function chartOps(clientPairs: readonly OpPair[], endNs: number): ChartOps {
  const n = clientPairs.length;
  const fs: string[] = [];
  const fIndex = new Map<string, number>();
  const ops: ChartOps = {
    fs,
    start: new Float64Array(n),
    latency: new Float64Array(n),
    end: new Float64Array(n),
    f: new Uint16Array(n),
    outcome: new Uint8Array(n),
    endSeconds: endNs / 1e9,
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
    ops.start[i] = invoke.time / 1e9;
    if (completion) {
      ops.end[i] = completion.time / 1e9;
      ops.latency[i] = (completion.time - invoke.time) / 1e6;
      ops.outcome[i] = OUTCOMES.indexOf(completion.type as Outcome);
    } else {
      ops.end[i] = NaN;
      ops.latency[i] = NaN;
      ops.outcome[i] = 3;
    }
  }
  return ops;
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
