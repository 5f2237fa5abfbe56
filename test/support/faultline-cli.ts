import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

export interface CliExit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from SIGINT (when sent) to exit. */
  afterSignalMs?: number;
}

/** Runs `bin/faultline.js` as a user would; `interruptAfter` says when (after which stderr line) to send SIGINT. */
export async function faultlineCli(args: readonly string[], interruptAfter?: { line: RegExp; delayMs: number }): Promise<CliExit> {
  const child = spawn(process.execPath, [join(repo, 'bin/faultline.js'), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalledAt: number | undefined;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (interruptAfter && signalledAt === undefined && interruptAfter.line.test(stderr)) {
      signalledAt = 0;
      setTimeout(() => {
        signalledAt = performance.now();
        child.kill('SIGINT');
      }, interruptAfter.delayMs);
    }
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, ...(signalledAt ? { afterSignalMs: performance.now() - signalledAt } : {}) };
}
