import type { Op, OpType, Process } from '../../harness/history/op.ts';

type Outcome = Exclude<OpType, 'invoke'>;

export interface HistoryBuilderOptions {
  /** How far the clock moves before each op is recorded, in ms (default 1; 0 = only `wait` moves it). */
  stepMs?: number;
}

/**
 * The one builder of histories for tests and fixtures: indices are dense, times only move
 * forward, each process has at most one op in flight, and a completion defaults to its
 * invocation's f, key and value. Every method but `build` and the getters chains.
 */
export class HistoryBuilder {
  readonly ops: Op[] = [];
  private now = 0;
  private readonly open = new Map<Process, Op>();
  private readonly stepNs: number;

  constructor(options: HistoryBuilderOptions = {}) {
    this.stepNs = Math.round((options.stepMs ?? 1) * 1e6);
  }

  /** Moves the clock forward by `ms` without adding ops. */
  wait(ms: number): this {
    this.now += Math.round(ms * 1e6);
    return this;
  }

  get timeNs(): number {
    return this.now;
  }

  /** The op added last. */
  get last(): Op {
    const op = this.ops[this.ops.length - 1];
    if (!op) throw new Error('the history is empty');
    return op;
  }

  invoke(process: Process, f: string, value: unknown, key?: string | number): this {
    if (this.open.has(process)) throw new Error(`process ${String(process)} already has an op in flight`);
    this.open.set(process, this.push({ type: 'invoke', process, f, value, ...(key === undefined ? {} : { key }) }));
    return this;
  }

  complete(process: Process, type: Outcome, value?: unknown, extra: { node?: string; error?: string } = {}): this {
    const inv = this.open.get(process);
    if (!inv) throw new Error(`process ${String(process)} has no op in flight`);
    this.open.delete(process);
    const op = this.push({ type, process, f: inv.f, value: value === undefined ? inv.value : value, ...(inv.key === undefined ? {} : { key: inv.key }) });
    if (extra.node !== undefined) op.node = extra.node;
    if (extra.error !== undefined) op.error = extra.error;
    return this;
  }

  ok(process: Process, value?: unknown): this {
    return this.complete(process, 'ok', value);
  }

  fail(process: Process, value?: unknown): this {
    return this.complete(process, 'fail', value);
  }

  info(process: Process, value?: unknown): this {
    return this.complete(process, 'info', value);
  }

  /** A transaction invoked and completed at once; the invocation's reads are null, as Jepsen records them. */
  txn(process: number, value: unknown[][], type: Outcome = 'ok'): this {
    this.invoke(process, 'txn', value.map(([f, k, v]) => [f, k, f === 'r' ? null : v]));
    return this.complete(process, type, type === 'ok' ? value : undefined);
  }

  /** A non-transactional operation invoked and completed at once. */
  op(process: number, f: string, value: unknown, type: Outcome = 'ok', completion?: unknown): this {
    this.invoke(process, f, value);
    return this.complete(process, type, completion);
  }

  /** A nemesis transition as Jepsen records it: an info invoke, then an info completion once done. */
  nemesis(f: string, value: unknown, tookMs = 5): this {
    this.invoke('nemesis', f, value);
    this.wait(tookMs);
    return this.complete('nemesis', 'info', value);
  }

  inFlight(process: Process): boolean {
    return this.open.has(process);
  }

  build(): Op[] {
    return this.ops;
  }

  private push(fields: Omit<Op, 'index' | 'time'>): Op {
    this.now += this.stepNs;
    const op: Op = { index: this.ops.length, time: this.now, ...fields };
    this.ops.push(op);
    return op;
  }
}

/** A small seeded PRNG (mulberry32) so fixtures are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Write skew over list-append: two transactions each read both keys empty and append to a
 * different one. G2-item (invalid under serializable), allowed under snapshot isolation.
 */
export function writeSkewHistory(): Op[] {
  return new HistoryBuilder()
    .invoke(0, 'txn', [['r', 'x', null], ['r', 'y', null], ['append', 'x', 1]])
    .invoke(1, 'txn', [['r', 'x', null], ['r', 'y', null], ['append', 'y', 1]])
    .ok(0, [['r', 'x', []], ['r', 'y', []], ['append', 'x', 1]])
    .ok(1, [['r', 'x', []], ['r', 'y', []], ['append', 'y', 1]])
    .build();
}
