import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { EnvironmentError } from '../harness/errors.ts';

export interface LockOptions {
  /** Said once when another process holds the lock, so a wait never looks like a hang. */
  waitMessage?: string;
  log?: (line: string) => void;
  /** Give up waiting after this long. */
  timeoutMs?: number;
}

/**
 * Runs `fn` while holding a machine-wide lock named `name` (one engine start, one base-image
 * build at a time, across every faultline process sharing the engine). A lock whose holder died
 * goes stale after 30 s because the holder refreshes it every few seconds.
 */
export async function withFileLock<T>(name: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const dir = existsSync('/run/lock') ? '/run/lock' : tmpdir();
  const path = join(dir, `faultline-${name}.lock`);
  const deadline = Date.now() + (options.timeoutMs ?? 20 * 60_000);
  let said = false;
  let release: (() => Promise<void>) | undefined;
  while (!release) {
    try {
      release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: path,
        stale: 30_000,
        update: 5_000,
        // A refresh that fails (clock jump, removed file) must not crash the holder mid-build.
        onCompromised: () => {},
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() > deadline) throw new EnvironmentError(`gave up waiting for ${path} (held by another faultline process)`);
      if (!said && options.waitMessage) options.log?.(options.waitMessage);
      said = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
