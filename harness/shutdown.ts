import { errorText } from './errors.ts';

/**
 * Process-wide cleanup (STYLE.md #11, "cleanup always"). Whatever must be undone when the
 * controller stops early — tear down a cluster, heal faults, flush the history — registers a
 * hook; SIGINT, SIGTERM and a crash run the hooks newest first (a run's own hooks before the
 * cluster it runs on), then exit. A finished step unregisters its hook.
 */
export type ShutdownHook = () => Promise<void> | void;

interface Entry {
  name: string;
  fn: ShutdownHook;
}

const hooks: Entry[] = [];
let shuttingDown: Promise<void> | undefined;
let installed = false;
let interceptor: ((signal: NodeJS.Signals) => void) | undefined;

/**
 * While set, the first SIGINT or SIGTERM goes to `handler` instead of running the hooks: a
 * command that can stop itself gracefully (`run`: stop the workload, heal, copy logs, tear down,
 * check what was recorded) does so, and its own cleanup unregisters the hooks as it goes. A second
 * signal runs the hooks and exits as usual. Returns a function that removes the interceptor.
 */
export function interceptSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  interceptor = handler;
  return () => {
    if (interceptor === handler) interceptor = undefined;
  };
}

/** Registers `fn`; returns a function that unregisters it (idempotent). */
export function onShutdown(name: string, fn: ShutdownHook): () => void {
  const entry: Entry = { name, fn };
  hooks.push(entry);
  return () => {
    const i = hooks.indexOf(entry);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/**
 * Runs every registered hook once, newest first, each bounded by what is left of `timeoutMs`;
 * a hook that throws is reported and the others still run. Concurrent calls share one pass.
 */
export function runShutdownHooks(log: (line: string) => void = stderr, timeoutMs = 60_000): Promise<void> {
  shuttingDown ??= (async () => {
    const deadline = Date.now() + timeoutMs;
    while (hooks.length > 0) {
      const entry = hooks.pop() as Entry;
      const left = deadline - Date.now();
      if (left <= 0) {
        log(`cleanup: out of time; skipped ${[entry, ...hooks].map((h) => h.name).join(', ')} (faultline clean removes leftovers)`);
        hooks.length = 0;
        break;
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(entry.fn),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`still running after ${left} ms`)), left))),
        ]);
      } catch (err) {
        log(`cleanup: ${entry.name} failed: ${errorText(err, { name: false })}`);
      } finally {
        clearTimeout(timer);
      }
    }
  })().finally(() => {
    shuttingDown = undefined;
  });
  return shuttingDown;
}

export interface ShutdownHandlerOptions {
  log?: (line: string) => void;
  /** Called with the exit code once the hooks ran; defaults to process.exit. */
  exit?: (code: number) => void;
}

/**
 * Installs SIGINT/SIGTERM/crash handlers that run the hooks and exit (130, 143, 255), unless a
 * command intercepts the first signal ({@link interceptSignals}). A second SIGINT while cleaning
 * up exits at once. Idempotent; the CLI installs it for every command.
 */
export function installShutdownHandlers(options: ShutdownHandlerOptions = {}): void {
  if (installed) return;
  installed = true;
  const log = options.log ?? stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let signalled = false;
  const stop = (code: number, why: string) => {
    if (signalled) {
      log(`${why} again: exiting without finishing cleanup (faultline clean removes leftovers)`);
      exit(code);
      return;
    }
    signalled = true;
    if (hooks.length > 0) log(`${why}: cleaning up (${hooks.length} step${hooks.length === 1 ? '' : 's'})`);
    void runShutdownHooks(log).finally(() => exit(code));
  };
  const onSignal = (signal: NodeJS.Signals, code: number, why: string) => {
    const handler = interceptor;
    if (handler && !signalled) {
      // The command stops itself; the next signal falls through to the hooks.
      interceptor = undefined;
      handler(signal);
      return;
    }
    stop(code, why);
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130, 'interrupted'));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143, 'terminated'));
  const crash = (err: unknown) => {
    const detail = err instanceof Error ? (process.env.FAULTLINE_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
    log(`crashed: ${detail}`);
    stop(255, 'crash');
  };
  // A reader that goes away (`faultline run | head`) must not turn into a crash that skips
  // cleanup: the run carries on, and its output is simply lost.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') crash(err);
    });
  }
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

function stderr(line: string): void {
  process.stderr.write(`faultline: ${line}\n`);
}
