import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDir } from './support/test-dir.ts';
import type { RunResult } from '../harness/store/run-result.ts';
import { LABEL } from '../docker/labels.ts';
import { faultline } from './support/faultline-process.ts';

// A user's database that cannot start, run for real: each failure is bad input (exit 254) naming
// the test file and the field, and nothing the run made is left in Docker.

const dir = testDir('faultline-user-errors-');
beforeAll(async () => {
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
});

/** A test file in its own folder, with a build context beside it (`image` may name a ref instead). */
async function testFile(name: string, dockerfile: string, database: string, image = "{ context: new URL('./image/', import.meta.url) }"): Promise<string> {
  await mkdir(join(dir, name, 'image'), { recursive: true });
  await writeFile(join(dir, name, 'image', 'Dockerfile'), dockerfile);
  const file = join(dir, name, 'faultline-test.ts');
  await writeFile(
    file,
    `import { defineClient, defineTest } from 'faultline';
import { containerDatabase } from 'faultline/docker';
const register = defineClient({ name: 'no-op client', open: () => ({}), invoke: async () => ({ type: 'fail', error: 'never reached' }) });
export default defineTest({
  database: containerDatabase({ name: '${name}', image: ${image}, clients: { register }, ${database} }),
  workload: 'register', nodes: 2, concurrency: 2, timeLimit: 2,
});
`,
  );
  return file;
}

/** Every container Docker still has with this run's label (`docker ps -a --filter label=…`). */
function containersOf(runId: string): string {
  return execFileSync('docker', ['ps', '-a', '--filter', `label=${LABEL.run}=${runId}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();
}

async function failedRun(file: string): Promise<{ stderr: string; result: RunResult }> {
  const store = join(dir, 'store');
  const r = await faultline(['run', '--test', file, '--store', store, '--json']);
  expect(r.code, r.stderr).toBe(254);
  const result = JSON.parse(r.stdout) as RunResult;
  expect(containersOf(result.runId)).toBe('');
  const networks = execFileSync('docker', ['network', 'ls', '--filter', `label=${LABEL.run}=${result.runId}`, '--format', '{{.Name}}'], { encoding: 'utf8' }).trim();
  expect(networks).toBe('');
  return { stderr: r.stderr, result };
}

describe('a user database that cannot start', () => {
  it('a readiness probe that never succeeds: the file, the ready field, the node and what the probe saw', async () => {
    const file = await testFile('never-ready', 'FROM debian:bookworm-slim\n', "start: 'tail -f /dev/null', port: 9, ready: { tcp: true }, readyTimeoutMs: 3000");
    const { stderr, result } = await failedRun(file);
    expect(stderr).toMatch(new RegExp(`faultline: the run failed \\(${file}\\): .*ready: never-ready on n[12] not ready after 3000 ms \\(TCP 10\\.213\\.\\d+\\.\\d+:9: ECONNREFUSED\\); last log line: \\(log empty\\)`));
    expect(result.valid).toBe('unknown');
    // The node's (empty) output log was still copied before the cluster went.
    expect(await readdir(join(result.dir, 'nodes'))).toEqual(['n1', 'n2']);
  });

  it('a Dockerfile that fails to build: the Dockerfile, the image.context field and the failing step', async () => {
    const file = await testFile('bad-build', 'FROM debian:bookworm-slim\nRUN echo "no such package" && false\n', "start: 'tail -f /dev/null', port: 9");
    const { stderr, result } = await failedRun(file);
    const dockerfile = join(dir, 'bad-build', 'image', 'Dockerfile');
    expect(stderr).toContain(`faultline: the run failed (${file}): ${dockerfile}: image.context: building faultline/bad-build:`);
    expect(stderr).toMatch(/returned a non-zero code: 1; last output: .*no such package/);
    expect(result.valid).toBe('unknown');
    expect(await readFile(join(result.dir, 'faultline.log'), 'utf8')).toContain('image.context');
  });

  it('an image ref that is not here and cannot be pulled: the image.ref field and why', async () => {
    const file = await testFile('no-image', '', "start: 'tail -f /dev/null', port: 9", "{ ref: 'faultline-test/no-such-image:1' }");
    const { stderr } = await failedRun(file);
    expect(stderr).toMatch(new RegExp(`faultline: the run failed \\(${file}\\): image\\.ref: faultline-test/no-such-image:1 is not on this machine and could not be pulled \\(.+\\); without a registry, give a build context instead`));
  });
});
