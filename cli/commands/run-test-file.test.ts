import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../../test/support/test-dir.ts';
import { fakeDatabase, fakeEnvironment } from '../../test/support/fake-cluster.ts';
import { MemoryRegisterClient, MemoryStore } from '../../test/support/memory-register.ts';
import { runCli } from '../../test/support/cli-in-process.ts';
import type { RunEnvironment } from '../run/environment.ts';
import type { TortureSummary } from '../torture/summary.ts';

// `run --test` and `torture --test` end to end on the fake backend: test files that bring their
// own workload and checker, settings from the file, flags over them, replay lines that name the file.

const store = new MemoryStore();
const environment = async (): Promise<RunEnvironment> => fakeEnvironment({ memory: () => fakeDatabase('memory', { onSetup: () => store.values.clear(), clients: { 'own-register': () => new MemoryRegisterClient(store) } }) });
const cli = (...argv: string[]) => runCli(argv, { environment });

const dir = testDir('faultline-run-test-file-');

/** A test file with its own workload (the register's, renamed) and its own checker, which counts the ok writes. */
async function testFile(name: string, settings: string, database = "'memory'"): Promise<string> {
  const path = join(dir, `${name}.mjs`);
  const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
  await writeFile(
    path,
    `import { casRegister } from ${url('../../workloads/register/register.ts')};
import { fakeDatabase } from ${url('../../test/support/fake-cluster.ts')};
import { MemoryRegisterClient, MemoryStore } from ${url('../../test/support/memory-register.ts')};
const writesCounted = {
  name: 'writes-counted',
  description: 'how many writes were acknowledged (a test file\\'s own checker)',
  meanings: { 'no-writes': 'no write was acknowledged' },
  check: (history) => {
    const writes = history.filter((op) => op.type === 'ok' && op.f === 'write').length;
    return { checker: 'writes-counted', valid: writes > 0, anomalyTypes: writes > 0 ? [] : ['no-writes'], anomalies: writes > 0 ? [] : [{ type: 'no-writes', text: 'none' }], details: { writes } };
  },
};
export default {
  name: '${name}',
  database: ${database},
  workload: { ...casRegister, name: 'own-register', checkers: (test) => [...casRegister.checkers(test), { name: 'writes-counted', checker: writesCounted }] },
  ${settings}
};
`,
  );
  return path;
}

describe('faultline run --test', () => {
  it('runs the file\'s workload with its own checker and settings; flags win; the replay names the file', async () => {
    const file = await testFile('mine', "nodes: 3, concurrency: 3, rate: 0, timeLimit: 5, options: { opsPerKey: 20 }");
    const { code, stdout, stderr } = await cli('run', '--test', file, '--time-limit', '0.3', '--store', dir, '--json', '--seed', '7');
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.test).toBe('mine');
    expect(result.checkers['writes-counted'].valid).toBe(true);
    expect(result.checkers['writes-counted'].details.writes).toBeGreaterThan(0);
    expect(result.checkers.linearizable.valid).toBe(true);
    const spec = JSON.parse(await readFile(join(result.dir, 'test.json'), 'utf8'));
    expect(spec).toMatchObject({ name: 'mine', db: 'memory', workload: 'own-register', nodes: 3, concurrency: 3, rate: 0, timeLimit: 0.3, testFile: file, seed: 7, options: { opsPerKey: 20 } });
    expect(result.replay).toBe(`npx faultline run --test ${file} --nodes 3 --concurrency 3 --rate 0 --time-limit 0.3 --name mine --option opsPerKey=20 --store ${dir} --seed 7`);
  });

  it('a run of the file\'s own workload is re-checked with it (faultline check RUN loads the file again)', async () => {
    // Its own database too: the re-check runs where only the built-in databases are known.
    const own = "{ name: 'own-memory', description: 'an in-memory register', create: () => { const shared = new MemoryStore(); return fakeDatabase('own-memory', { clients: { 'own-register': () => new MemoryRegisterClient(shared) } }); } }";
    const file = await testFile('rechecked', 'nodes: 3, concurrency: 3, rate: 0, timeLimit: 0.3', own);
    const first = await cli('run', '--test', file, '--store', dir, '--json');
    expect(first.code, first.stderr).toBe(0);
    const { dir: runDir } = JSON.parse(first.stdout);
    const again = await cli('check', runDir, '--json');
    expect(again.code, again.stderr).toBe(0);
    const rechecked = JSON.parse(again.stdout);
    expect(JSON.stringify(rechecked)).toContain('writes-counted');
  });

  it('refuses a workload whose own checker is named otherwise than its use, before anything starts', async () => {
    const path = join(dir, 'misnamed.mjs');
    const register = JSON.stringify(new URL('../../workloads/register/register.ts', import.meta.url).href);
    await writeFile(path, `import { casRegister } from ${register};
export default { database: 'memory', workload: { ...casRegister, name: 'own-register', checkers: () => [{ name: 'mine', checker: { name: 'yours', check: () => undefined } }, { name: '' }] } };
`);
    const { code, stderr } = await cli('run', '--test', path, '--store', dir);
    expect(stderr).toBe('faultline: the own-register workload: checkers(test)[0]: the checker is named "yours", not "mine"; checkers(test)[1].name must be a non-empty string\n');
    expect(code).toBe(254);
  });

  it('refuses --db and --workload beside it', async () => {
    const file = await testFile('refused', 'nodes: 3');
    const { code, stderr } = await cli('run', '--test', file, '--workload', 'register');
    expect(stderr).toBe('faultline: --workload cannot be given with --test: the test file names its database and workload\n');
    expect(code).toBe(254);
  });
});

describe('faultline torture --test', () => {
  it('runs every test file under every fault mix and seed, each with its own settings, and replays with the files', async () => {
    const a = await testFile('a', "nodes: 3, concurrency: 3, rate: 0, timeLimit: 0.3");
    const b = await testFile('b', "nodes: 2, concurrency: 2, rate: 0, timeLimit: 0.3");
    const { code, stdout, stderr } = await cli('torture', '--test', a, '--test', b, '--seeds', '2', '--store', dir, '--json', '--seed', '5');
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as TortureSummary;
    expect(summary.runs.map((r) => [r.id, r.verdict])).toEqual([
      ['a-own-register-none#1', 'valid'],
      ['b-own-register-none#1', 'valid'],
      ['a-own-register-none#2', 'valid'],
      ['b-own-register-none#2', 'valid'],
    ]);
    const nodes = await Promise.all(summary.runs.map(async (r) => JSON.parse(await readFile(join(r.dir!, 'test.json'), 'utf8')).nodes));
    expect(nodes).toEqual([3, 2, 3, 2]);
    expect(summary.replay).toBe(`npx faultline torture --test ${a} --test ${b} --seeds 2 --store ${dir} --seed 5`);
    expect(summary.runs[1]!.replay).toMatch(new RegExp(`^npx faultline run --test ${b} --nodes 2 `));
  });
});
