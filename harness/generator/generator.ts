import type { Invocation } from '../client.ts';
import type { Op, Process } from '../history/op.ts';

/** A worker slot: client threads are 0…concurrency-1; the nemesis has its own thread. */
export type Thread = number | 'nemesis';

/**
 * What a generator sees when asked for an op. Threads are listed in a stable order (client
 * threads ascending, then the nemesis), so a generator's answer depends only on this value.
 */
export interface GenContext {
  /** Nanoseconds since the test started. */
  readonly time: number;
  /** Threads this generator may use that have nothing in flight now. */
  readonly free: readonly Thread[];
  /** Every thread this generator may use. */
  readonly threads: readonly Thread[];
  /** The process currently running on a thread (changes after an `info`). */
  process(thread: Thread): Process;
}

/**
 * An op a generator wants run. `invoke` is a client or nemesis operation, recorded in the
 * history; `sleep` keeps the thread busy for `value` ns and is not recorded (a nemesis schedule's
 * pause between faults); `log` writes `value` to the run's log and occupies nothing.
 */
export interface GenOp extends Invocation {
  readonly type: 'invoke' | 'sleep' | 'log';
  readonly thread: Thread;
  /** When to run it (ns since start); the scheduler waits until then. */
  readonly time: number;
}

/** Sent to `update` for every invoke and completion the scheduler records. */
export interface GenEvent {
  readonly thread: Thread;
  /** The recorded op (its `type` says whether it is the invoke or the completion). */
  readonly op: Op;
}

/**
 * The answer to "what next?": an op (with the generator that follows it), `pending` (nothing now;
 * ask again after the next event or at `wakeAt`), or `done`.
 */
export type Step =
  | { readonly kind: 'op'; readonly op: GenOp; readonly gen: Generator }
  | { readonly kind: 'pending'; readonly gen: Generator; readonly wakeAt?: number }
  | { readonly kind: 'done' };

/**
 * A generator is a pure value (STYLE.md #6, after jepsen.generator): `op` must not mutate
 * anything and must give the same answer when asked twice with the same context — the scheduler
 * may ask, wait, and ask again, keeping the returned generator only when it uses the op (or on
 * `pending`). `update` returns the generator after an event; generators that do not care return
 * themselves. All randomness comes from a {@link Random} value held inside the generator.
 */
export interface Generator {
  op(ctx: GenContext): Step;
  update(ctx: GenContext, event: GenEvent): Generator;
}

// GenOps are built as literals with a fixed shape: object spread is a slow path in this V8
// (microseconds per op) and these run once per operation.

/** An op from an invocation, on `thread` at `time`. */
export function genOp(type: GenOp['type'], inv: Invocation, thread: Thread, time: number): GenOp {
  return { type, f: inv.f, value: inv.value, key: inv.key, thread, time };
}

/** The same op at another time. */
export function atTime(op: GenOp, time: number): GenOp {
  return { type: op.type, f: op.f, value: op.value, key: op.key, thread: op.thread, time };
}

/** The same op on another key. */
export function onKey(op: GenOp, key: string | number): GenOp {
  return { type: op.type, f: op.f, value: op.value, key, thread: op.thread, time: op.time };
}

export const DONE: Step = Object.freeze({ kind: 'done' });

export function pending(gen: Generator, wakeAt?: number): Step {
  return wakeAt === undefined ? { kind: 'pending', gen } : { kind: 'pending', gen, wakeAt };
}

export function emit(op: GenOp, gen: Generator): Step {
  return { kind: 'op', op, gen };
}

/** The earlier of two optional wake-up times. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** A context limited to the threads `keep` accepts (free and all). */
export function restrict(ctx: GenContext, keep: (thread: Thread) => boolean): GenContext {
  return {
    time: ctx.time,
    free: ctx.free.filter(keep),
    threads: ctx.threads.filter(keep),
    process: ctx.process,
  };
}

export const isClientThread = (t: Thread): t is number => typeof t === 'number';
export const isNemesisThread = (t: Thread): t is 'nemesis' => t === 'nemesis';

/** Updates every generator in a list, returning the same array when none changed. */
export function updateAll(gens: readonly Generator[], ctx: GenContext, event: GenEvent): readonly Generator[] {
  let out: Generator[] | undefined;
  for (let i = 0; i < gens.length; i++) {
    const g = gens[i]!;
    const u = g.update(ctx, event);
    if (u !== g) {
      out ??= [...gens];
      out[i] = u;
    }
  }
  return out ?? gens;
}

export function replaceAt<T>(items: readonly T[], i: number, item: T): T[] {
  const out = [...items];
  out[i] = item;
  return out;
}
