import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { dockerClient } from '../../docker/engine.ts';
import { LABEL } from '../../docker/labels.ts';

const repo = join(import.meta.dirname, '..', '..');

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from SIGINT (when sent) to exit. */
  afterSignalMs?: number;
}

/** Runs the CLI as a user would; `interruptAfter` says after which stderr line (and delay) to send SIGINT. */
export async function faultline(args: readonly string[], interruptAfter?: { line: RegExp; delayMs: number }, env?: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, [join(repo, 'bin/faultline.js'), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
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

/** Containers and networks still labelled with `runId`, as `container NAME` / `network NAME`. */
export async function leftovers(runId: string): Promise<string[]> {
  const docker = dockerClient();
  const filters = { label: [`${LABEL.run}=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names.join(',')}`), ...networks.map((n) => `network ${n.Name}`)];
}
