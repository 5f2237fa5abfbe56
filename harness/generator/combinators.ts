import type { Random } from '../random.ts';
import {
  DONE,
  atTime,
  earliest,
  emit,
  isClientThread,
  isNemesisThread,
  pending,
  replaceAt,
  restrict,
  updateAll,
  type GenContext,
  type GenEvent,
  type GenOp,
  type Generator,
  type Step,
  type Thread,
} from './generator.ts';

/** At most `n` ops (sleeps and logs count too) from `gen`. */
export function limit(n: number, gen: Generator): Generator {
  return new Limit(n, gen);
}

class Limit implements Generator {
  constructor(
    readonly remaining: number,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): Step {
    if (this.remaining <= 0) return DONE;
    const s = this.gen.op(ctx);
    if (s.kind === 'done') return s;
    if (s.kind === 'pending') return pending(new Limit(this.remaining, s.gen), s.wakeAt);
    return emit(s.op, new Limit(this.remaining - 1, s.gen));
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Limit(this.remaining, g);
  }
}

/**
 * Ops from `gen` until `ns` nanoseconds after this generator is first asked; an op scheduled at
 * or past the deadline ends it.
 */
export function timeLimit(ns: number, gen: Generator): Generator {
  return new TimeLimit(ns, gen, undefined);
}

class TimeLimit implements Generator {
  constructor(
    readonly ns: number,
    readonly gen: Generator,
    readonly deadline: number | undefined,
  ) {}

  op(ctx: GenContext): Step {
    const deadline = this.deadline ?? ctx.time + this.ns;
    if (ctx.time >= deadline) return DONE;
    const s = this.gen.op(ctx);
    if (s.kind === 'done') return s;
    // Wake at the deadline so the scheduler learns this phase is over even with nothing in flight.
    if (s.kind === 'pending') return pending(new TimeLimit(this.ns, s.gen, deadline), earliest(s.wakeAt, deadline));
    if (s.op.time >= deadline) return DONE;
    // A sleep begun inside the limit ends with it, or a nemesis pause would hold the next phase.
    const op = s.op.type === 'sleep' && s.op.time + (s.op.value as number) > deadline ? { type: s.op.type, f: s.op.f, value: deadline - s.op.time, key: s.op.key, thread: s.op.thread, time: s.op.time } : s.op;
    return emit(op, new TimeLimit(this.ns, s.gen, deadline));
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new TimeLimit(this.ns, g, this.deadline);
  }
}

/**
 * Spaces ops by random intervals uniform in [0, 2·meanNs], over the generator as a whole (so
 * `stagger(1e9 / rate, clients)` gives a total rate, whatever the concurrency). When asked late —
 * a timer that fired late, a worker that freed up just after the op was due — the schedule keeps
 * its own clock, so small delays do not add up into a lower rate; but time lost beyond a slack of
 * max(4·meanNs, 20 ms) (every worker busy) is not made up later with a burst.
 */
export function stagger(meanNs: number, gen: Generator, random: Random): Generator {
  if (!(meanNs >= 0)) throw new RangeError(`stagger interval must be >= 0, got ${meanNs}`);
  return new Stagger(meanNs, gen, random, undefined);
}

class Stagger implements Generator {
  constructor(
    readonly meanNs: number,
    readonly gen: Generator,
    readonly random: Random,
    readonly nextTime: number | undefined,
  ) {}

  op(ctx: GenContext): Step {
    const s = this.gen.op(ctx);
    if (s.kind === 'done') return s;
    if (s.kind === 'pending') return pending(new Stagger(this.meanNs, s.gen, this.random, this.nextTime), s.wakeAt);
    const due = this.nextTime ?? ctx.time;
    const slack = Math.max(4 * this.meanNs, 20e6);
    const time = due >= s.op.time || s.op.time - due <= slack ? due : s.op.time;
    const [gap, random] = this.random.draw((d) => d.float() * 2 * this.meanNs);
    return emit(time === s.op.time ? s.op : atTime(s.op, time), new Stagger(this.meanNs, s.gen, random, time + gap));
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Stagger(this.meanNs, g, this.random, this.nextTime);
  }
}

/** Ops at least `ns` apart (a fixed rate). */
export function delay(ns: number, gen: Generator): Generator {
  return new Delay(ns, gen, undefined);
}

class Delay implements Generator {
  constructor(
    readonly ns: number,
    readonly gen: Generator,
    readonly nextTime: number | undefined,
  ) {}

  op(ctx: GenContext): Step {
    const s = this.gen.op(ctx);
    if (s.kind === 'done') return s;
    if (s.kind === 'pending') return pending(new Delay(this.ns, s.gen, this.nextTime), s.wakeAt);
    const time = Math.max(s.op.time, this.nextTime ?? ctx.time);
    return emit(time === s.op.time ? s.op : atTime(s.op, time), new Delay(this.ns, s.gen, time + this.ns));
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Delay(this.ns, g, this.nextTime);
  }
}

/**
 * Each op from one of `gens`, chosen at random (in proportion to `weights` when given). A
 * generator that is done drops out; the mix is done when all are.
 */
export function mix(gens: readonly Generator[], random: Random, weights?: readonly number[]): Generator {
  const w = weights ?? gens.map(() => 1);
  if (w.length !== gens.length) throw new RangeError(`mix: ${gens.length} generators but ${w.length} weights`);
  if (gens.length === 0) return new Mix([], [], random, 0);
  const [i, next] = random.draw((d) => d.weighted(w));
  return new Mix(gens, w, next, i);
}

class Mix implements Generator {
  constructor(
    readonly gens: readonly Generator[],
    readonly weights: readonly number[],
    readonly random: Random,
    readonly i: number,
  ) {}

  op(ctx: GenContext): Step {
    if (this.gens.length === 0) return DONE;
    const s = this.gens[this.i]!.op(ctx);
    if (s.kind === 'done') {
      const gens = this.gens.filter((_, j) => j !== this.i);
      const weights = this.weights.filter((_, j) => j !== this.i);
      if (gens.length === 0) return DONE;
      const [i, random] = this.random.draw((d) => d.weighted(weights));
      return new Mix(gens, weights, random, i).op(ctx);
    }
    if (s.kind === 'pending') return pending(new Mix(replaceAt(this.gens, this.i, s.gen), this.weights, this.random, this.i), s.wakeAt);
    const [i, random] = this.random.draw((d) => d.weighted(this.weights));
    return emit(s.op, new Mix(replaceAt(this.gens, this.i, s.gen), this.weights, random, i));
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const gens = updateAll(this.gens, ctx, event);
    return gens === this.gens ? this : new Mix(gens, this.weights, this.random, this.i);
  }
}

/** All of `gens` at once: the soonest op wins; done when every one is done. */
export function any(...gens: Generator[]): Generator {
  return new Any(gens);
}

class Any implements Generator {
  constructor(readonly gens: readonly Generator[]) {}

  op(ctx: GenContext): Step {
    let best: GenOp | undefined;
    let bestAt = -1;
    let bestGen: Generator | undefined;
    let wakeAt: number | undefined;
    let anyPending = false;
    let next: Generator[] | undefined;
    for (let i = 0; i < this.gens.length; i++) {
      const s = this.gens[i]!.op(ctx);
      if (s.kind === 'op') {
        if (best === undefined || s.op.time < best.time) {
          best = s.op;
          bestAt = i;
          bestGen = s.gen;
        }
      } else if (s.kind === 'pending') {
        anyPending = true;
        wakeAt = earliest(wakeAt, s.wakeAt);
        // A pending generator's new state (a deadline it recorded) is kept.
        if (s.gen !== this.gens[i]) (next ??= [...this.gens])[i] = s.gen;
      }
    }
    const gens = next ?? this.gens;
    if (best !== undefined) return emit(best, new Any(replaceAt(gens, bestAt, bestGen!)));
    if (anyPending) return pending(gens === this.gens ? this : new Any(gens), wakeAt);
    return DONE;
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const gens = updateAll(this.gens, ctx, event);
    return gens === this.gens ? this : new Any(gens);
  }
}

/** `gens` one after the other, without waiting for the previous one's ops to finish. */
export function concat(...gens: Generator[]): Generator {
  return new Concat(gens, 0);
}

class Concat implements Generator {
  constructor(
    readonly gens: readonly Generator[],
    readonly at: number,
  ) {}

  op(ctx: GenContext): Step {
    for (let at = this.at; at < this.gens.length; at++) {
      const s = this.gens[at]!.op(ctx);
      if (s.kind === 'done') continue;
      const rest = new Concat(replaceAt(this.gens, at, s.gen), at);
      return s.kind === 'pending' ? pending(rest, s.wakeAt) : emit(s.op, rest);
    }
    return DONE;
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const cur = this.gens[this.at];
    if (!cur) return this;
    const g = cur.update(ctx, event);
    return g === cur ? this : new Concat(replaceAt(this.gens, this.at, g), this.at);
  }
}

/** Waits until every thread it may use is free, then runs `gen`. */
export function synchronize(gen: Generator): Generator {
  return new Synchronize(gen, false);
}

class Synchronize implements Generator {
  constructor(
    readonly gen: Generator,
    readonly synced: boolean,
  ) {}

  op(ctx: GenContext): Step {
    if (!this.synced) {
      if (ctx.free.length < ctx.threads.length) return pending(this);
      return new Synchronize(this.gen, true).op(ctx);
    }
    const s = this.gen.op(ctx);
    if (s.kind === 'done') return s;
    const next = new Synchronize(s.gen, true);
    return s.kind === 'pending' ? pending(next, s.wakeAt) : emit(s.op, next);
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    if (!this.synced) return this;
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Synchronize(g, true);
  }
}

/** Phases run in order; each starts only when every op of the previous one has completed. */
export function phases(...gens: Generator[]): Generator {
  return concat(...gens.map(synchronize));
}

/** Runs `gen` again from its start each time it finishes (a nemesis schedule). */
export function cycle(gen: Generator): Generator {
  return new Cycle(gen, gen, false);
}

class Cycle implements Generator {
  constructor(
    readonly start: Generator,
    readonly gen: Generator,
    readonly emitted: boolean,
  ) {}

  op(ctx: GenContext): Step {
    const s = this.gen.op(ctx);
    if (s.kind === 'done') {
      // A pass that produced nothing would loop forever.
      if (!this.emitted) return DONE;
      return new Cycle(this.start, this.start, false).op(ctx);
    }
    if (s.kind === 'pending') return pending(new Cycle(this.start, s.gen, this.emitted), s.wakeAt);
    return emit(s.op, new Cycle(this.start, s.gen, true));
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const g = this.gen.update(ctx, event);
    return g === this.gen ? this : new Cycle(this.start, g, this.emitted);
  }
}

/** `gen` sees only the threads `keep` accepts, and only their events. */
export function onThreads(keep: (thread: Thread) => boolean, gen: Generator): Generator {
  return new OnThreads(keep, gen);
}

export const clients = (gen: Generator): Generator => onThreads(isClientThread, gen);
export const nemesis = (gen: Generator): Generator => onThreads(isNemesisThread, gen);

class OnThreads implements Generator {
  constructor(
    readonly keep: (thread: Thread) => boolean,
    readonly gen: Generator,
  ) {}

  op(ctx: GenContext): Step {
    const s = this.gen.op(restrict(ctx, this.keep));
    if (s.kind === 'done') return s;
    const next = s.gen === this.gen ? this : new OnThreads(this.keep, s.gen);
    return s.kind === 'pending' ? pending(next, s.wakeAt) : emit(s.op, next);
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    if (!this.keep(event.thread)) return this;
    const g = this.gen.update(restrict(ctx, this.keep), event);
    return g === this.gen ? this : new OnThreads(this.keep, g);
  }
}

/**
 * Every thread runs its own copy of a generator: the same value for each (`eachThread(once(read))`
 * is one read per thread), or one made per thread (give each its own `random.fork(thread)` so a
 * worker's ops do not depend on the others' timing).
 */
export function eachThread(gen: Generator | ((thread: Thread) => Generator)): Generator {
  return new EachThread(typeof gen === 'function' ? gen : () => gen, new Map(), new Set());
}

class EachThread implements Generator {
  constructor(
    readonly make: (thread: Thread) => Generator,
    readonly gens: ReadonlyMap<Thread, Generator>,
    readonly done: ReadonlySet<Thread>,
  ) {}

  private genFor(t: Thread): Generator {
    return this.gens.get(t) ?? this.make(t);
  }

  op(ctx: GenContext): Step {
    let best: { op: GenOp; thread: Thread; gen: Generator } | undefined;
    let wakeAt: number | undefined;
    let anyPending = false;
    let done: Set<Thread> | undefined;
    let gens: Map<Thread, Generator> | undefined;
    for (const t of ctx.threads) {
      if (this.done.has(t)) continue;
      const free = ctx.free.includes(t);
      const s = this.genFor(t).op({ time: ctx.time, free: free ? [t] : [], threads: [t], process: ctx.process });
      if (s.kind === 'done') {
        (done ??= new Set(this.done)).add(t);
      } else if (s.kind === 'pending') {
        anyPending = true;
        wakeAt = earliest(wakeAt, s.wakeAt);
        (gens ??= new Map(this.gens)).set(t, s.gen);
      } else if (best === undefined || s.op.time < best.op.time) {
        best = { op: s.op, thread: t, gen: s.gen };
      } else {
        anyPending = true;
      }
    }
    const base = new EachThread(this.make, gens ?? this.gens, done ?? this.done);
    if (best !== undefined) {
      const m = new Map(base.gens);
      m.set(best.thread, best.gen);
      return emit(best.op, new EachThread(this.make, m, base.done));
    }
    if (anyPending) return pending(base, wakeAt);
    return DONE;
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const t = event.thread;
    if (this.done.has(t) || !ctx.threads.includes(t)) return this;
    const g = this.genFor(t);
    const u = g.update({ time: ctx.time, free: ctx.free.includes(t) ? [t] : [], threads: [t], process: ctx.process }, event);
    if (u === g && this.gens.has(t)) return this;
    const m = new Map(this.gens);
    m.set(t, u);
    return new EachThread(this.make, m, this.done);
  }
}
