import type { Cluster } from '../harness/cluster.ts';
import { EnvironmentError } from '../harness/errors.ts';

/** How to recognise and run one database server inside a node. */
export interface ServerProcessSpec {
  /** What errors call it: `postgres on n1 not ready after …`. */
  name: string;
  /**
   * Matches the command line of every process of the server in the node (as `Cluster.signal`
   * takes), children included, and nothing else: kill and pause act on all of them.
   */
  pattern: string;
  /** Where the server's stdout and stderr are appended. */
  logFile: string;
  /** The user the server runs as. */
  user: string;
  /** Lines that say nothing on their own (`[ERROR] Aborting`): errors quote the line before. */
  uninformativeLogLine?: RegExp;
}

/**
 * Prints `pid/tid state` for every thread, of a process whose command line matches $PATTERN, that
 * is neither stopped (T, t) nor a zombie. Runs in the node: /proc is all it needs.
 */
const RUNNING_THREADS = `for d in /proc/[0-9]*; do
  c=$(tr '\\0' ' ' < "$d/cmdline" 2>/dev/null) || continue
  printf '%s' "$c" | grep -Eq "$PATTERN" || continue
  for t in "$d"/task/*/stat; do
    s=$(sed 's/.*) //' "$t" 2>/dev/null | cut -d' ' -f1)
    case "$s" in T|t|Z|X|'') ;; *) echo "\${d#/proc/}/\${t#$d/task/} $s" ;; esac
  done
done`;

/** Waits at most this long for a server to die after SIGKILL before calling it stuck. */
const KILL_TIMEOUT_MS = 10_000;
/** Until then a missing process may still be the shell that is about to exec the server. */
const LAUNCH_GRACE_MS = 3_000;

/**
 * Lifecycle of a single server process tree in a node (the part every database shares): launch
 * in the background with its output in a log file, kill every process of it, pause and resume
 * them with signals, wait until a probe succeeds, and name the last log line when it does not.
 */
export class ServerProcess {
  constructor(readonly spec: ServerProcessSpec) {}

  /**
   * Starts `argv` in `node` in the background. The shell only redirects output to the log file,
   * then becomes the server (exec), so the process that kill and pause signal is the server.
   */
  async launch(cluster: Cluster, node: string, argv: string[], env?: Record<string, string>): Promise<void> {
    const { logFile, user } = this.spec;
    await cluster.exec(node, ['sh', '-c', `exec "$0" "$@" >>${logFile} 2>&1`, ...argv], { detach: true, user, env });
  }

  async running(cluster: Cluster, node: string): Promise<boolean> {
    return (await cluster.countProcesses(node, this.spec.pattern)) > 0;
  }

  /** SIGKILLs every process of the server until none is left (a crash of the whole server). */
  async kill(cluster: Cluster, node: string): Promise<void> {
    const deadline = Date.now() + KILL_TIMEOUT_MS;
    while ((await cluster.signal(node, this.spec.pattern, 'KILL')) > 0) {
      if (Date.now() > deadline) throw new EnvironmentError(`${this.spec.name} on ${node} still running ${KILL_TIMEOUT_MS} ms after SIGKILL`);
      await sleep(50);
    }
  }

  /**
   * SIGSTOPs every process of the server. Repeats until a pass finds no process it had not seen,
   * so a child forked while the parent was being stopped is stopped too. A server that is not
   * running (killed) cannot be paused: that is an error, not a pause that silently did nothing.
   */
  async pause(cluster: Cluster, node: string): Promise<void> {
    let previous = -1;
    for (let pass = 0; pass < 20; pass++) {
      const count = await cluster.signal(node, this.spec.pattern, 'STOP');
      if (count === 0 && pass === 0) throw new EnvironmentError(`${this.spec.name} on ${node} is not running (killed?): nothing to pause`);
      if (count === previous) break;
      previous = count;
    }
    await this.waitStopped(cluster, node);
  }

  /**
   * Waits until every thread of the server is in the stopped state. A signal is delivered when
   * each thread next passes through the kernel; on a loaded machine a thread can still answer a
   * query after kill(2) returned, so a pause is only done when the node says so.
   */
  private async waitStopped(cluster: Cluster, node: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let running = '';
    while (Date.now() < deadline) {
      const r = await cluster.exec(node, ['sh', '-c', RUNNING_THREADS], { env: { PATTERN: this.spec.pattern }, timeoutMs: 10_000 });
      running = r.stdout.trim();
      if (r.exitCode === 0 && running === '') return;
      await sleep(20);
    }
    throw new EnvironmentError(`${this.spec.name} on ${node}: threads still running ${timeoutMs} ms after SIGSTOP (${running.split('\n').length}: ${running.slice(0, 200)})`);
  }

  async resume(cluster: Cluster, node: string): Promise<void> {
    await cluster.signal(node, this.spec.pattern, 'CONT');
  }

  /**
   * Asks the server to stop with `signal` (after resuming it, a stopped process cannot act on
   * it); kills it when it is still there after `timeoutMs`.
   */
  async stop(cluster: Cluster, node: string, signal: 'TERM' | 'INT', timeoutMs = 10_000): Promise<void> {
    await this.resume(cluster, node);
    await cluster.signal(node, this.spec.pattern, signal);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!(await this.running(cluster, node))) return;
      await sleep(100);
    }
    await this.kill(cluster, node);
  }

  /**
   * Calls `probe` until it resolves. Fails with the node, what the last probe said and the last
   * log line when the server exits (after a short grace for the launcher) or `timeoutMs` passes.
   */
  async waitReady(cluster: Cluster, node: string, probe: () => Promise<unknown>, timeoutMs: number): Promise<void> {
    const started = Date.now();
    let last = 'no probe finished';
    for (;;) {
      try {
        await probe();
        return;
      } catch (err) {
        last = (err as Error).message || String(err);
      }
      const elapsed = Date.now() - started;
      if (elapsed > LAUNCH_GRACE_MS && !(await this.running(cluster, node))) {
        throw new EnvironmentError(`${this.spec.name} on ${node} exited while starting; last log line: ${await this.lastLogLine(cluster, node)}`);
      }
      if (elapsed > timeoutMs) {
        throw new EnvironmentError(`${this.spec.name} on ${node} not ready after ${timeoutMs} ms (${last}); last log line: ${await this.lastLogLine(cluster, node)}`);
      }
      await sleep(200);
    }
  }

  async lastLogLine(cluster: Cluster, node: string): Promise<string> {
    try {
      const r = await cluster.exec(node, ['tail', '-n', '5', this.spec.logFile], { timeoutMs: 5_000 });
      const lines = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      const skip = this.spec.uninformativeLogLine;
      const line = lines.findLast((l) => !skip?.test(l)) ?? lines.at(-1);
      if (line === undefined) return '(log empty)';
      return line.length > 400 ? `${line.slice(0, 400)}…` : line;
    } catch (err) {
      return `(log unreadable: ${(err as Error).message})`;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last non-empty line of a command's output, for error messages. */
export function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
