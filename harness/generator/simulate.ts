import type { Op } from '../history/op.ts';
import { Random, type Draw } from '../random.ts';
import type { Completion } from '../client.ts';
import { Driver, GeneratorError } from '../scheduler/driver.ts';
import type { Generator, Thread } from './generator.ts';

export interface SimulateOptions {
  concurrency: number;
  /** Whether a nemesis thread exists. */
  nemesis?: boolean;
  /** How long an op takes, in ns (default 1 ms). */
  latency?: (op: Op, draw: Draw) => number;
  /** How an op ends (default: `ok` with the invoked value). */
  complete?: (op: Op, draw: Draw) => Completion;
  /** Source for `latency` and `complete` draws (default seed 0). */
  random?: Random;
  /** Guards against generators that never end: stop asking after this many history ops… */
  maxOps?: number;
  /** …or this much virtual time (ns). */
  maxTime?: number;
  /** Lines the generator logged, with their virtual time. */
  logs?: { time: number; message: string }[];
}

interface SimEvent {
  time: number;
  seq: number;
  thread: Thread;
  completion?: Completion;
}

/**
 * Runs a generator against fake completions on a virtual clock, through the same {@link Driver}
 * the real scheduler uses, and returns the history. Generator tests take milliseconds and need
 * no Docker; the outcome depends only on the generator, the options and the seed.
 */
export function simulate(gen: Generator, options: SimulateOptions): Op[] {
  const driver = new Driver(gen, { concurrency: options.concurrency, nemesis: options.nemesis ?? false });
  const latency = options.latency ?? (() => 1_000_000);
  const complete = options.complete ?? ((op: Op): Completion => ({ type: 'ok', value: op.value }));
  let random = options.random ?? Random.fromSeed(0);
  const maxOps = options.maxOps ?? 100_000;
  const maxTime = options.maxTime ?? Number.POSITIVE_INFINITY;
  const events: SimEvent[] = [];
  let seq = 0;
  let now = 0;
  const schedule = (time: number, thread: Thread, completion?: Completion) => {
    events.push({ time, seq: seq++, thread, completion });
  };

  for (;;) {
    if (driver.history.length >= maxOps || now >= maxTime) driver.stop();
    const action = driver.next(now);
    if (action.kind === 'invoke') {
      const [[dt, c], next] = random.draw((d) => [latency(action.op, d), complete(action.op, d)] as const);
      random = next;
      schedule(now + Math.max(0, dt), action.thread, c);
      continue;
    }
    if (action.kind === 'sleep') {
      schedule(action.until, action.thread);
      continue;
    }
    if (action.kind === 'log') {
      options.logs?.push({ time: now, message: action.message });
      continue;
    }
    if (action.kind === 'done') return driver.history;
    // wait: jump to the next completion or the generator's wake-up time, whichever is first.
    let first: SimEvent | undefined;
    for (const e of events) if (!first || e.time < first.time || (e.time === first.time && e.seq < first.seq)) first = e;
    const until = action.until;
    if (!first && until === undefined) {
      throw new GeneratorError('generator is pending with nothing in flight and no time to wake up: it would wait forever');
    }
    if (first && (until === undefined || first.time <= until)) {
      events.splice(events.indexOf(first), 1);
      now = Math.max(now, first.time);
      if (first.completion) driver.complete(now, first.thread, first.completion);
      else driver.wake(first.thread);
    } else {
      now = Math.max(now, until!);
    }
  }
}
