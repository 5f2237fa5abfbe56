import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Op } from '../../harness/history/op.ts';

export type Isolation = 'strict-serializable' | 'snapshot-isolation';

export interface SimulationOptions {
  seed: number;
  /** Transactions to run (final reads come on top). */
  txns: number;
  isolation: Isolation;
  workload?: 'list-append' | 'rw-register';
  /** Concurrent workers. */
  processes?: number;
  /** Keys in use at any time (Elle's key-count); a key retires after `maxWritesPerKey` writes. */
  activeKeys?: number;
  minTxnLength?: number;
  maxTxnLength?: number;
  maxWritesPerKey?: number;
  /** Chance a commit is refused (a definite failure, nothing applied). */
  failRate?: number;
  /** Chance a transaction ends indeterminate (`info`); it takes effect half the time. */
  crashRate?: number;
  /** Append one transaction per key reading it, after everything else completed. */
  finalReads?: boolean;
  /** Snapshot isolation: count write skews from the store's own records (quadratic; for tests). */
  countWriteSkews?: boolean;
}

export interface Simulation {
  history: Op[];
  /**
   * Snapshot isolation only: pairs of concurrent transactions, both committed with their reads
   * recorded, where each read a key the other wrote (write skew, known from the store itself).
   */
  writeSkews: number;
}

interface Running {
  process: number;
  mops: [string, number, unknown][];
  snapshot: number;
  invokeIndex: number;
}

interface Committed {
  snapshot: number;
  commit: number;
  reads: Set<number>;
  writes: Set<number>;
}

/**
 * A toy database, for checker property tests and benchmarks. Transactions in Elle's list-append
 * (or rw-register) shape are invoked and completed by `processes` workers in a random
 * interleaving. Under strict-serializable the whole transaction applies atomically at its
 * completion; under snapshot-isolation it reads the snapshot taken at its invocation and commits
 * at completion unless a concurrent transaction already committed a write to one of its keys
 * (first committer wins), so write skew happens and lost updates do not.
 */
export function simulate(options: SimulationOptions): Simulation {
  const o = {
    workload: 'list-append' as const,
    processes: 10,
    activeKeys: 10,
    minTxnLength: 1,
    maxTxnLength: 4,
    maxWritesPerKey: 32,
    failRate: 0.02,
    crashRate: 0.01,
    finalReads: false,
    countWriteSkews: false,
    ...options,
  };
  const rng = xoroshiro128plus(o.seed);
  const rand = () => uniformFloat64(rng);
  const history: Op[] = [];
  let time = 0;
  const emit = (type: Op['type'], process: number, value: unknown) => {
    time += 1 + uniformInt(rng, 0, 999);
    history.push({ index: history.length, time, type, process, f: 'txn', value });
  };

  // Key choice after Elle's generator: key i of the active keys is 2^i times likelier than key 0.
  const active = Array.from({ length: o.activeKeys }, (_, i) => i);
  let nextKey = o.activeKeys;
  const writesTo = new Map<number, number>();
  const pickKey = () => {
    const r = rand() * (2 ** active.length - 1);
    return Math.min(active.length - 1, Math.floor(Math.log2(r + 1)));
  };
  const newTxn = (): [string, number, unknown][] => {
    const length = uniformInt(rng, o.minTxnLength, o.maxTxnLength);
    const mops: [string, number, unknown][] = [];
    while (mops.length < length) {
      const read = rand() < 0.5;
      const i = pickKey();
      const k = active[i]!;
      if (read) {
        mops.push(['r', k, null]);
        continue;
      }
      const v = (writesTo.get(k) ?? 0) + 1;
      if (v > o.maxWritesPerKey) {
        active[i] = nextKey++;
        continue;
      }
      writesTo.set(k, v);
      mops.push([o.workload === 'list-append' ? 'append' : 'w', k, v]);
    }
    return mops;
  };

  // Store state: per key, its list (append-only) and the commit stamps with the list length then.
  const lists = new Map<number, number[]>();
  const commits = new Map<number, number[]>();
  let clock = 0;
  const lengthAt = (k: number, snapshot: number) => {
    const c = commits.get(k);
    if (!c) return 0;
    for (let i = c.length - 2; i >= 0; i -= 2) if (c[i]! <= snapshot) return c[i + 1]!;
    return 0;
  };
  const lastCommit = (k: number) => {
    const c = commits.get(k);
    return c ? c[c.length - 2]! : -1;
  };
  const readValue = (k: number, length: number, own: number[]) => {
    const list = lists.get(k) ?? [];
    if (o.workload === 'list-append') return [...list.slice(0, length), ...own];
    return own.length > 0 ? own[own.length - 1]! : length > 0 ? list[length - 1]! : null;
  };
  const committed: Committed[] = [];

  /**
   * Runs a transaction against the store; returns its completed micro-ops, or undefined if
   * refused. `observed`: its reads end up in the history (an ok completion).
   */
  const execute = (run: Running, apply: boolean, observed: boolean): [string, number, unknown][] | undefined => {
    const snapshot = o.isolation === 'strict-serializable' ? clock : run.snapshot;
    const own = new Map<number, number[]>();
    const done: [string, number, unknown][] = [];
    for (const [f, k, v] of run.mops) {
      const mine = own.get(k) ?? [];
      if (f === 'r') {
        done.push(['r', k, readValue(k, lengthAt(k, snapshot), mine)]);
      } else {
        mine.push(v as number);
        own.set(k, mine);
        done.push([f, k, v]);
      }
    }
    if (o.isolation === 'snapshot-isolation' && [...own.keys()].some((k) => lastCommit(k) > run.snapshot)) return undefined;
    if (!apply) return done;
    clock++;
    for (const [k, vs] of own) {
      let list = lists.get(k);
      if (!list) lists.set(k, (list = []));
      list.push(...vs);
      let c = commits.get(k);
      if (!c) commits.set(k, (c = []));
      c.push(clock, list.length);
    }
    if (o.countWriteSkews && o.isolation === 'snapshot-isolation' && observed) {
      committed.push({
        snapshot: run.snapshot,
        commit: clock,
        reads: new Set(run.mops.filter((m) => m[0] === 'r').map((m) => m[1])),
        writes: new Set(own.keys()),
      });
    }
    return done;
  };

  const running = new Array<Running | undefined>(o.processes);
  const processOf = Array.from({ length: o.processes }, (_, i) => i);
  let invoked = 0;
  let busy = 0;
  while (invoked < o.txns || busy > 0) {
    const w = uniformInt(rng, 0, o.processes - 1);
    const run = running[w];
    if (!run) {
      if (invoked === o.txns) continue;
      const mops = newTxn();
      running[w] = { process: processOf[w]!, mops, snapshot: clock, invokeIndex: history.length };
      emit('invoke', processOf[w]!, mops);
      invoked++;
      busy++;
      continue;
    }
    running[w] = undefined;
    busy--;
    const roll = rand();
    if (roll < o.failRate) {
      emit('fail', run.process, run.mops);
    } else if (roll < o.failRate + o.crashRate) {
      execute(run, rand() < 0.5, false);
      emit('info', run.process, run.mops);
      processOf[w] = run.process + o.processes;
    } else {
      const done = execute(run, true, true);
      emit(done ? 'ok' : 'fail', run.process, done ?? run.mops);
    }
  }
  if (o.finalReads) {
    for (const k of lists.keys()) {
      const mops: [string, number, unknown][] = [['r', k, null]];
      emit('invoke', processOf[0]!, mops);
      emit('ok', processOf[0]!, execute({ process: processOf[0]!, mops, snapshot: clock, invokeIndex: history.length }, true, true));
    }
  }
  return { history, writeSkews: countWriteSkews(committed) };
}

function countWriteSkews(committed: readonly Committed[]): number {
  let n = 0;
  for (let i = 0; i < committed.length; i++) {
    const a = committed[i]!;
    for (let j = i + 1; j < committed.length; j++) {
      const b = committed[j]!;
      const concurrent = a.snapshot < b.commit && b.snapshot < a.commit;
      if (concurrent && [...a.reads].some((k) => b.writes.has(k)) && [...b.reads].some((k) => a.writes.has(k))) n++;
    }
  }
  return n;
}
