import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runObjects } from '../test/support/run-objects.ts';
import { DockerCluster } from './docker-cluster.ts';
import { dockerClient } from './engine.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const docker = dockerClient();

/** Starts a controller that creates a 2-node cluster, and resolves once the cluster is up. */
async function orphanController(runId: string, ...flags: string[]) {
  // node --import tsx: one process, so the pid on the labels is the one that gets SIGKILLed.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/orphan-cluster.ts'), runId, '2', ...flags], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!out.includes(`ready ${runId}`)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`orphan controller did not come up (exit ${child.exitCode}): ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

describe('faultline clean', () => {
  let live: DockerCluster | undefined;

  afterAll(async () => {
    await live?.teardown();
  });

  it('removes what a SIGKILLed controller left and spares a run whose controller is alive', async () => {
    live = await DockerCluster.create({ image: 'etcd', nodes: 1 });
    const runId = `orphan-${Date.now().toString(36)}`;
    const child = await orphanController(runId);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const left = await runObjects(docker, runId);
    expect(left.containers).toHaveLength(2);
    expect(left.networks).toHaveLength(1);

    const r = await execa(process.execPath, [join(root, 'bin/faultline.js'), 'clean', '--json'], { cwd: root, reject: false });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(String(r.stdout)) as { removed: string[]; spared: { runId: string; liveness: string }[] };
    expect(report.removed).toContain(runId);
    expect(report.spared).toContainEqual({ runId: live.runId, liveness: 'alive' });
    expect(await runObjects(docker, runId)).toEqual({ containers: [], networks: [] });
    expect((await runObjects(docker, live.runId)).containers).toHaveLength(1);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a controller stopped by %s tears its cluster down itself and exits %i', async (signal, code) => {
    const runId = `signalled-${signal.toLowerCase()}-${Date.now().toString(36)}`;
    const child = await orphanController(runId, '--handle-signals');
    expect((await runObjects(docker, runId)).containers).toHaveLength(2);
    child.kill(signal);
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    expect(exitCode).toBe(code);
    expect(await runObjects(docker, runId)).toEqual({ containers: [], networks: [] });
  });

  it('rejects unknown flags with exit 254 before touching anything', async () => {
    const r = await execa(process.execPath, [join(root, 'bin/faultline.js'), 'clean', '--everything'], { cwd: root, reject: false });
    expect(r.exitCode).toBe(254);
    expect(String(r.stderr)).toContain('clean: unknown flag --everything');
    expect(String(r.stdout)).toBe('');
  });
});
