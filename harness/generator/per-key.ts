import type { Random } from '../random.ts';
import { DONE, earliest, emit, onKey, pending, type GenContext, type GenEvent, type GenOp, type Generator, type Step, type Thread } from './generator.ts';

export type Key = string | number;

export interface PerKeyOptions {
  /** How many threads work on one key together (the last group may be smaller). */
  threadsPerKey: number;
  /** The generator for one key; it should end (e.g. `limit(opsPerKey, …)`) so the key retires. */
  gen: (key: Key, random: Random) => Generator;
  /** Each key's generator gets `random.fork('key:' + key)`. */
  random: Random;
  /** The i-th key started (default: i). */
  key?: (i: number) => Key;
  /** Stop after this many keys; by default keys never run out. */
  maxKeys?: number;
}

/**
 * Independent keys (Jepsen's independent/concurrent-generator): threads are split into groups of
 * `threadsPerKey`; each group works on one key until that key's generator ends, then takes the
 * next fresh key. Per-key histories stay small, so checking them stays cheap. Each key's ops
 * depend only on the seed and the key — not on which group took it or when.
 */
export function perKey(options: PerKeyOptions): Generator {
  if (!Number.isInteger(options.threadsPerKey) || options.threadsPerKey < 1) {
    throw new RangeError(`threadsPerKey must be a positive integer, got ${options.threadsPerKey}`);
  }
  return new PerKey(options, undefined, [], 0);
}

interface GroupState {
  readonly key: Key;
  readonly gen: Generator;
}

/** Thread groups, fixed the first time the generator is asked. */
interface Layout {
  readonly groups: readonly (readonly Thread[])[];
  readonly groupOf: ReadonlyMap<Thread, number>;
}

function layoutFor(threads: readonly Thread[], n: number): Layout {
  const groups: Thread[][] = [];
  const groupOf = new Map<Thread, number>();
  threads.forEach((t, i) => {
    const g = Math.floor(i / n);
    (groups[g] ??= []).push(t);
    groupOf.set(t, g);
  });
  return { groups, groupOf };
}

class PerKey implements Generator {
  constructor(
    readonly options: PerKeyOptions,
    readonly layout: Layout | undefined,
    /** Per group: its current key, or undefined when it needs a fresh one. */
    readonly groups: readonly (GroupState | undefined)[],
    readonly keysStarted: number,
  ) {}

  private fresh(i: number): GroupState {
    const key = this.options.key ? this.options.key(i) : i;
    return { key, gen: this.options.gen(key, this.options.random.fork(`key:${key}`)) };
  }

  op(ctx: GenContext): Step {
    const layout = this.layout ?? layoutFor(ctx.threads, this.options.threadsPerKey);
    const groups = [...this.groups];
    let keysStarted = this.keysStarted;
    const maxKeys = this.options.maxKeys ?? Number.POSITIVE_INFINITY;
    let best: { op: GenOp; group: number; gen: Generator } | undefined;
    let anyPending = false;
    let wakeAt: number | undefined;
    for (let g = 0; g < layout.groups.length; g++) {
      const threads = layout.groups[g]!;
      const sub: GenContext = { time: ctx.time, free: ctx.free.filter((t) => layout.groupOf.get(t) === g), threads, process: ctx.process };
      // A fresh key whose generator is done at once ends the loop: it would never retire.
      for (let attempt = 0; attempt < 2; attempt++) {
        let state = groups[g];
        if (state === undefined) {
          if (keysStarted >= maxKeys) break;
          state = this.fresh(keysStarted++);
          groups[g] = state;
        }
        const s = state.gen.op(sub);
        if (s.kind === 'done') {
          groups[g] = undefined;
          continue;
        }
        if (s.kind === 'pending') {
          anyPending = true;
          wakeAt = earliest(wakeAt, s.wakeAt);
          groups[g] = { key: state.key, gen: s.gen };
        } else if (best === undefined || s.op.time < best.op.time) {
          best = { op: onKey(s.op, state.key), group: g, gen: s.gen };
        } else {
          anyPending = true;
        }
        break;
      }
    }
    if (best !== undefined) {
      groups[best.group] = { key: best.op.key!, gen: best.gen };
      return emit(best.op, new PerKey(this.options, layout, groups, keysStarted));
    }
    const next = new PerKey(this.options, layout, groups, keysStarted);
    // Otherwise every group's key is done and no key is left to start.
    return anyPending ? pending(next, wakeAt) : DONE;
  }

  update(ctx: GenContext, event: GenEvent): Generator {
    const g = this.layout?.groupOf.get(event.thread);
    if (g === undefined) return this;
    const state = this.groups[g];
    // A completion for a key the group already left goes nowhere.
    if (state === undefined || state.key !== event.op.key) return this;
    const threads = this.layout!.groups[g]!;
    const sub: GenContext = { time: ctx.time, free: ctx.free.filter((t) => threads.includes(t)), threads, process: ctx.process };
    const gen = state.gen.update(sub, event);
    if (gen === state.gen) return this;
    const groups = [...this.groups];
    groups[g] = { key: state.key, gen };
    return new PerKey(this.options, this.layout, groups, this.keysStarted);
  }
}
