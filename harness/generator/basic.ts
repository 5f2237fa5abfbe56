import type { Invocation } from '../client.ts';
import type { Draw, Random } from '../random.ts';
import { DONE, emit, genOp, pending, type GenContext, type GenEvent, type Generator, type Step, type Thread } from './generator.ts';

const ordinal = (t: Thread): number => (t === 'nemesis' ? Number.POSITIVE_INFINITY : t);

/**
 * Round-robin over free threads: the first free thread after the one used last. Spreads ops over
 * workers (and so over nodes) even when one worker is always the first to be free.
 */
export function pickThread(free: readonly Thread[], last: Thread | undefined): Thread | undefined {
  if (free.length === 0) return undefined;
  if (last === undefined) return free[0];
  const after = ordinal(last);
  for (const t of free) if (ordinal(t) > after) return t;
  return free[0];
}

abstract class Leaf implements Generator {
  abstract op(ctx: GenContext): Step;
  update(_ctx: GenContext, _event: GenEvent): Generator {
    return this;
  }
}

/**
 * Ops from a function of a random draw (and the context, if it must): `undefined` ends the
 * generator. The draw comes from `random`, so the sequence of invocations depends only on the
 * seed and how many ops were taken, never on which worker took them.
 */
export function fromFn(fn: (draw: Draw, ctx: GenContext) => Invocation | undefined, random: Random): Generator {
  return new FromFn(fn, random, undefined);
}

class FromFn extends Leaf {
  constructor(
    readonly fn: (draw: Draw, ctx: GenContext) => Invocation | undefined,
    readonly random: Random,
    readonly last: Thread | undefined,
  ) {
    super();
  }

  op(ctx: GenContext): Step {
    const thread = pickThread(ctx.free, this.last);
    if (thread === undefined) return pending(this);
    const [inv, next] = this.random.draw((d) => this.fn(d, ctx));
    if (inv === undefined) return DONE;
    return emit(genOp('invoke', inv, thread, ctx.time), new FromFn(this.fn, next, thread));
  }
}

/** The given invocations, in order, each once. */
export function items(invocations: readonly Invocation[]): Generator {
  return new Items(invocations, 0, undefined);
}

export function once(invocation: Invocation): Generator {
  return items([invocation]);
}

class Items extends Leaf {
  constructor(
    readonly invocations: readonly Invocation[],
    readonly at: number,
    readonly last: Thread | undefined,
  ) {
    super();
  }

  op(ctx: GenContext): Step {
    const inv = this.invocations[this.at];
    if (inv === undefined) return DONE;
    const thread = pickThread(ctx.free, this.last);
    if (thread === undefined) return pending(this);
    return emit(genOp('invoke', inv, thread, ctx.time), new Items(this.invocations, this.at + 1, thread));
  }
}

/** The same invocation forever (wrap in `limit` or `timeLimit`). */
export function repeat(invocation: Invocation): Generator {
  return new Repeat(invocation, undefined);
}

class Repeat extends Leaf {
  constructor(
    readonly invocation: Invocation,
    readonly last: Thread | undefined,
  ) {
    super();
  }

  op(ctx: GenContext): Step {
    const thread = pickThread(ctx.free, this.last);
    if (thread === undefined) return pending(this);
    return emit(genOp('invoke', this.invocation, thread, ctx.time), new Repeat(this.invocation, thread));
  }
}

/**
 * Occupies one free thread for `ns` nanoseconds, unrecorded. Inside `phases`, the next phase
 * waits for it (a recovery window); on the nemesis thread it spaces faults.
 */
export function sleep(ns: number): Generator {
  return new Special('sleep', ns);
}

/** Writes a line to the run's log when reached (takes no thread time). */
export function log(message: string): Generator {
  return new Special('log', message);
}

class Special extends Leaf {
  constructor(
    readonly type: 'sleep' | 'log',
    readonly value: number | string,
  ) {
    super();
  }

  op(ctx: GenContext): Step {
    const thread = ctx.free[0];
    if (thread === undefined) return pending(this);
    return emit({ type: this.type, f: this.type, value: this.value, thread, time: ctx.time }, EMPTY);
  }
}

/** A generator with nothing to do. */
export const EMPTY: Generator = new (class extends Leaf {
  op(): Step {
    return DONE;
  }
})();
