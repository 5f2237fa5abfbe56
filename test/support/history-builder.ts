import type { Op, OpType } from '../../harness/history/op.ts';

/**
 * Builds histories for tests: ops get dense indices and increasing times (1 ms apart), and a
 * completion defaults to its invocation's f and value.
 */
export class HistoryBuilder {
  private readonly ops: Op[] = [];
  private readonly open = new Map<number, Op>();
  private time = 0;

  invoke(process: number, f: string, value: unknown): this {
    const op = this.push('invoke', process, f, value);
    this.open.set(process, op);
    return this;
  }

  ok(process: number, value?: unknown): this {
    return this.complete('ok', process, value);
  }

  fail(process: number, value?: unknown): this {
    return this.complete('fail', process, value);
  }

  info(process: number, value?: unknown): this {
    return this.complete('info', process, value);
  }

  /** A transaction invoked and completed at once; the invocation's reads are null, as Jepsen records them. */
  txn(process: number, value: unknown[][], type: Exclude<OpType, 'invoke'> = 'ok'): this {
    this.invoke(process, 'txn', value.map(([f, k, v]) => [f, k, f === 'r' ? null : v]));
    return this.complete(type, process, type === 'ok' ? value : undefined);
  }

  /** A non-transactional operation invoked and completed at once. */
  op(process: number, f: string, value: unknown, type: Exclude<OpType, 'invoke'> = 'ok', completion?: unknown): this {
    this.invoke(process, f, value);
    return this.complete(type, process, completion);
  }

  /** Advances the clock (ns) without adding ops. */
  wait(ns: number): this {
    this.time += ns;
    return this;
  }

  build(): Op[] {
    return this.ops;
  }

  private complete(type: Exclude<OpType, 'invoke'>, process: number, value: unknown): this {
    const inv = this.open.get(process);
    if (!inv) throw new Error(`process ${process} has nothing in flight`);
    this.open.delete(process);
    this.push(type, process, inv.f, value === undefined ? inv.value : value);
    return this;
  }

  private push(type: OpType, process: number, f: string, value: unknown): Op {
    this.time += 1_000_000;
    const op: Op = { index: this.ops.length, time: this.time, type, process, f, value };
    this.ops.push(op);
    return op;
  }
}
