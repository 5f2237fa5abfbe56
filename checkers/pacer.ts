import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Long synchronous checking is written as a generator that yields whenever its time slice is
 * over; {@link paced} gives the event loop a turn at each yield, so Ctrl-C's handler can run and
 * abort the check through its AbortSignal. A search that never yields cannot be interrupted (one
 * ran 15 minutes deaf to SIGINT). A turn costs microseconds; at 50 ms slices that is far below
 * measurement noise (bench:linearizable).
 */
export class Pacer {
  private sliceEnd: number;

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly sliceMs = 50,
  ) {
    this.sliceEnd = performance.now() + sliceMs;
  }

  /** When the current slice ends (`performance.now()` time): synchronous work pauses there. */
  get until(): number {
    return this.sliceEnd;
  }

  /** The slice is over: time to yield. */
  get due(): boolean {
    return performance.now() >= this.sliceEnd;
  }

  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Starts a new slice (after a yield). */
  restart(): void {
    this.sliceEnd = performance.now() + this.sliceMs;
  }
}

/** Work that yields between slices (see {@link Pacer}). */
export type PacedWork<T> = Generator<void, T, void>;

/** Runs paced work, giving the event loop a turn at every yield. */
export async function paced<T>(work: PacedWork<T>): Promise<T> {
  for (let step = work.next(); ; step = work.next()) {
    if (step.done) return step.value;
    await nextTurn();
  }
}

/** Runs paced work without yielding: for tests and fixtures; nothing can interrupt it. */
export function unpaced<T>(work: PacedWork<T>): T {
  for (let step = work.next(); ; step = work.next()) if (step.done) return step.value;
}
