import type { Logger } from '../../harness/logger.ts';
import { errorText } from '../../harness/errors.ts';

/**
 * Undo steps, run last-added first. Every step runs even when an earlier one fails or hangs (each
 * gets `stepTimeoutMs`), and the failures are returned together, so one stuck container never
 * leaves the network or the faults behind.
 */
export class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<void> }[] = [];

  constructor(
    private readonly log: Logger,
    private readonly stepTimeoutMs = 60_000,
  ) {}

  add(what: string, fn: () => Promise<void>): void {
    this.steps.push({ what, fn });
  }

  async run(): Promise<string[]> {
    const problems: string[] = [];
    while (this.steps.length > 0) {
      const { what, fn } = this.steps.pop()!;
      this.log.debug(`cleanup: ${what}`);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          fn(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${this.stepTimeoutMs} ms`)), this.stepTimeoutMs);
          }),
        ]);
      } catch (err) {
        const problem = `${what}: ${errorText(err)}`;
        this.log.warn(`cleanup step failed: ${problem}`);
        problems.push(problem);
      } finally {
        clearTimeout(timer);
      }
    }
    return problems;
  }
}

/**
 * Waits for `promise` unless `signal` aborts first (then rejects with an AbortError at once). The
 * promise itself keeps running; a later rejection of it is swallowed, since cleanup is already
 * tearing down what it was working on.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortError(): Error {
  const e = new Error('the run was interrupted');
  e.name = 'AbortError';
  return e;
}
