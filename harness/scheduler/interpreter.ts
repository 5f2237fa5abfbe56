import type { Generator, Thread } from '../generator/generator.ts';
import type { Op } from '../history/op.ts';
import type { Logger } from '../logger.ts';
import { ContractError } from './contract.ts';
import type { Completion } from '../client.ts';
import { Driver, GeneratorError } from './driver.ts';
import type { Worker } from './workers.ts';
import { errorText } from '../errors.ts';

export interface InterpreterOptions {
  generator: Generator;
  concurrency: number;
  /** The worker for each client thread 0…concurrency-1. */
  clients: readonly Worker[];
  /** The nemesis thread's worker, when there is a nemesis. */
  nemesis?: Worker;
  /** Receives every op as it is recorded (history writer, progress). */
  record: (op: Op) => void;
  log: Logger;
  /** Aborting stops new ops at once; in-flight ops get `drainMs` to finish. */
  signal?: AbortSignal;
  /** Nanoseconds since the test started (default: a monotonic clock started now). */
  clock?: () => number;
  /** After an abort, how long to wait for in-flight ops before recording them as `info`. */
  drainMs?: number;
  /** An op with no completion after this long is recorded as `info` and its thread moves on. */
  stuckOpMs?: number;
}

export interface InterpreterResult {
  history: Op[];
  /** The signal stopped the run before the generator was done. */
  interrupted: boolean;
  /** User code broke its contract; the history is well-formed up to the stop. */
  error?: Error;
}

export function monotonicClock(): () => number {
  const t0 = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - t0);
}

interface Completed {
  thread: Thread;
  token: number;
  completion?: Completion;
  error?: unknown;
}

/**
 * Runs a generator against real workers: one loop asks the {@link Driver} what to do, starts ops
 * on free workers, and sleeps until the next completion or the generator's next op time. All
 * bookkeeping is the driver's (shared with the simulator); this file only does the waiting and
 * the I/O. Per op the cost is a generator step, a promise and a JSON line.
 */
export async function interpret(options: InterpreterOptions): Promise<InterpreterResult> {
  const { concurrency, clients, nemesis, log, signal } = options;
  if (clients.length !== concurrency) throw new RangeError(`need ${concurrency} client workers, got ${clients.length}`);
  const clock = options.clock ?? monotonicClock();
  const drainNs = (options.drainMs ?? 3_000) * 1e6;
  const stuckNs = (options.stuckOpMs ?? 120_000) * 1e6;
  const driver = new Driver(options.generator, {
    concurrency,
    nemesis: nemesis !== undefined,
    record: options.record,
    nodeOf: (t) => clients[t]?.node,
  });

  const completed: Completed[] = [];
  const tokens = new Map<Thread, number>();
  const started = new Map<Thread, number>();
  const sleepers = new Map<Thread, number>();
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const notify = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onAbort = () => notify();
  signal?.addEventListener('abort', onAbort);
  let fatal: Error | undefined;

  const start = (thread: Thread, op: Op) => {
    const token = (tokens.get(thread) ?? 0) + 1;
    tokens.set(thread, token);
    started.set(thread, clock());
    const worker = thread === 'nemesis' ? nemesis! : clients[thread]!;
    worker.invoke(op).then(
      (completion) => {
        completed.push({ thread, token, completion });
        notify();
      },
      (error: unknown) => {
        completed.push({ thread, token, error });
        notify();
      },
    );
  };

  const settle = (c: Completed) => {
    if (tokens.get(c.thread) !== c.token || started.get(c.thread) === undefined) return;
    started.delete(c.thread);
    if (c.completion) {
      driver.complete(clock(), c.thread, c.completion);
      return;
    }
    // A worker only rejects when user code broke its contract: record and stop the run.
    const message = errorText(c.error);
    driver.complete(clock(), c.thread, { type: 'info', error: `harness stopped: ${message}` });
    fatal ??= c.error instanceof Error ? c.error : new Error(message);
    driver.stop();
  };

  let draining = false;
  const waitUntil = (until: number | undefined): Promise<void> => {
    // While draining, an abort must not short-circuit the wait: that would spin on microtasks
    // and starve the I/O the in-flight ops are waiting for.
    if (completed.length > 0 || (signal?.aborted && !draining)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      wake = resolve;
      if (until !== undefined) timer = setTimeout(notify, Math.max(0, Math.floor((until - clock()) / 1e6)));
    });
  };

  // Ops that never complete would hold a thread forever: give up on them, loudly.
  let sweepDue = false;
  const sweeper = setInterval(() => {
    sweepDue = true;
    notify();
  }, 1_000);
  sweeper.unref();
  const sweep = (now: number) => {
    sweepDue = false;
    for (const [thread, at] of started) {
      if (now - at < stuckNs) continue;
      started.delete(thread);
      tokens.set(thread, (tokens.get(thread) ?? 0) + 1);
      const worker = thread === 'nemesis' ? nemesis : clients[thread];
      worker?.abandon?.();
      log.warn(`thread ${thread}: no completion after ${Math.round((now - at) / 1e9)} s; recorded as info, continuing with a fresh client`);
      driver.complete(now, thread, { type: 'info', error: `no completion after ${Math.round((now - at) / 1e6)} ms (the client has no timeout of its own?)` });
    }
  };

  let interrupted = false;
  try {
    for (;;) {
      while (completed.length > 0) settle(completed.shift()!);
      const now = clock();
      for (const [thread, until] of sleepers) {
        if (until <= now) {
          sleepers.delete(thread);
          driver.wake(thread);
        }
      }
      if (sweepDue) sweep(now);
      if (signal?.aborted && !interrupted) {
        interrupted = true;
        driver.stop();
        log.info(`interrupted: waiting up to ${drainNs / 1e6} ms for ${driver.inFlight} op(s) in flight`);
        break;
      }
      const action = driver.next(now, 1e6);
      switch (action.kind) {
        case 'invoke':
          start(action.thread, action.op);
          continue;
        case 'sleep':
          sleepers.set(action.thread, action.until);
          continue;
        case 'log':
          log.info(action.message);
          continue;
        case 'done':
          return { history: driver.history, interrupted: false, ...(fatal ? { error: fatal } : {}) };
        case 'wait': {
          let until = action.until;
          for (const u of sleepers.values()) until = until === undefined ? u : Math.min(until, u);
          if (until === undefined && started.size === 0) {
            throw new GeneratorError('generator is pending with nothing in flight and no time to wake up: it would wait forever');
          }
          await waitUntil(until);
        }
      }
    }
    // Interrupted: give in-flight ops a moment, then record what is left as unknown.
    draining = true;
    const deadline = clock() + drainNs;
    while (started.size > 0 && clock() < deadline) {
      await waitUntil(deadline);
      while (completed.length > 0) settle(completed.shift()!);
    }
    for (const thread of [...started.keys()]) {
      started.delete(thread);
      tokens.set(thread, (tokens.get(thread) ?? 0) + 1);
      driver.complete(clock(), thread, { type: 'info', error: 'interrupted: the run was stopped while this op was in flight' });
    }
    return { history: driver.history, interrupted: true, ...(fatal ? { error: fatal } : {}) };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    clearInterval(sweeper);
    if (timer !== undefined) clearTimeout(timer);
  }
}

export { ContractError, GeneratorError };
