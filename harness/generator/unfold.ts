import type { Invocation } from '../client.ts';
import type { Draw, Random } from '../random.ts';
import { pickThread } from './basic.ts';
import { DONE, emit, genOp, pending, type GenContext, type GenEvent, type Generator, type Step, type Thread } from './generator.ts';

/**
 * Ops from a state machine: `step` maps a random draw and the current state to the next
 * invocation and state, or `undefined` to end. For workloads whose ops depend on what came
 * before — unique values per key, keys that retire after so many writes — while the generator
 * stays a pure value (the state is an immutable value held by each generator).
 */
export function unfold<S>(initial: S, step: (draw: Draw, state: S) => readonly [Invocation, S] | undefined, random: Random): Generator {
  return new Unfold(initial, step, random, undefined);
}

class Unfold<S> implements Generator {
  constructor(
    readonly state: S,
    readonly step: (draw: Draw, state: S) => readonly [Invocation, S] | undefined,
    readonly random: Random,
    readonly last: Thread | undefined,
  ) {}

  op(ctx: GenContext): Step {
    const thread = pickThread(ctx.free, this.last);
    if (thread === undefined) return pending(this);
    const [next, random] = this.random.draw((d) => this.step(d, this.state));
    if (next === undefined) return DONE;
    return emit(genOp('invoke', next[0], thread, ctx.time), new Unfold(next[1], this.step, random, thread));
  }

  update(_ctx: GenContext, _event: GenEvent): Generator {
    return this;
  }
}
