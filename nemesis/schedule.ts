import { once } from '../harness/generator/basic.ts';
import { DONE, emit, genOp, pending, type GenContext, type GenEvent, type Generator, type Step } from '../harness/generator/generator.ts';
import type { Draw, Random } from '../harness/random.ts';

export interface FaultCycleOptions {
  /** The class: its ops are `start-<fault>` and `stop-<fault>`. */
  fault: string;
  /** Mean time between transitions, ns; each gap is uniform in [0.5, 1.5] × this. */
  intervalNs: number;
  random: Random;
  /** The value of each `start-<fault>` op (which topology, which nodes…), drawn here so a seed replays it. */
  start: (draw: Draw) => unknown;
}

/**
 * One fault class's schedule on the nemesis thread: wait, start, wait, stop, and so on. The wait
 * is a due time, not a `sleep`, so the thread stays free for the other classes meanwhile and
 * several classes can be in force at once (`any` of their cycles); a wait is counted from the
 * moment the previous transition completed, so a slow transition never shortens a fault.
 */
export function faultCycle(options: FaultCycleOptions): Generator {
  if (!(options.intervalNs > 0)) throw new RangeError(`the nemesis interval must be > 0 ns, got ${options.intervalNs}`);
  return new FaultCycle(options, options.random, 'start', undefined, 'idle');
}

/** The op that heals a class at the end of the run, whatever state its cycle was in. */
export function healOnce(fault: string): Generator {
  return once({ f: `stop-${fault}`, value: null });
}

/** idle: waiting for the due time; invoked: our op is recorded, waiting for its completion. */
type Stage = 'idle' | 'emitted' | 'invoked';

class FaultCycle implements Generator {
  constructor(
    readonly options: FaultCycleOptions,
    readonly random: Random,
    readonly next: 'start' | 'stop',
    readonly due: number | undefined,
    readonly stage: Stage,
  ) {}

  op(ctx: GenContext): Step {
    if (this.stage !== 'idle') return pending(this);
    if (this.due === undefined) {
      const [gap, random] = this.random.draw((d) => this.gap(d));
      return pending(new FaultCycle(this.options, random, this.next, ctx.time + gap, 'idle'), ctx.time + gap);
    }
    if (!ctx.free.includes('nemesis')) {
      // Another class's transition is running; ask again when it completes.
      return ctx.threads.includes('nemesis') ? pending(this) : DONE;
    }
    const f = `${this.next}-${this.options.fault}`;
    const [value, random] = this.next === 'start' ? this.random.draw((d) => this.options.start(d)) : [null, this.random];
    return emit(genOp('invoke', { f, value }, 'nemesis', Math.max(this.due, ctx.time)), new FaultCycle(this.options, random, this.next, this.due, 'emitted'));
  }

  update(_ctx: GenContext, event: GenEvent): Generator {
    if (this.stage === 'idle' || event.thread !== 'nemesis' || event.op.f !== `${this.next}-${this.options.fault}`) return this;
    if (this.stage === 'emitted') return new FaultCycle(this.options, this.random, this.next, this.due, 'invoked');
    const [gap, random] = this.random.draw((d) => this.gap(d));
    return new FaultCycle(this.options, random, this.next === 'start' ? 'stop' : 'start', event.op.time + gap, 'idle');
  }

  private gap(d: Draw): number {
    return Math.round(this.options.intervalNs * (0.5 + d.float()));
  }
}
