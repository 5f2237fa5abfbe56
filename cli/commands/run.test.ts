import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSISTENCY_MODELS } from '../../checkers/elle/models.ts';
import { fakeDatabase, fakeEnvironment } from '../../test/support/fake-cluster.ts';
import { MemoryRegisterClient, MemoryStore } from '../../test/support/memory-register.ts';
import { casRegister } from '../../workloads/register/register.ts';
import { registerWorkload, workloadNames } from '../../workloads/registry.ts';
import type { RunEnvironment } from '../run/environment.ts';
import { parseOptions } from './run.ts';
import { runCli } from '../../test/support/cli-in-process.ts';
import { testDir } from '../../test/support/test-dir.ts';

const store = new MemoryStore();
registerWorkload({ ...casRegister, name: 'mem-register' });
registerWorkload({ ...casRegister, name: 'mem-single', nodes: { default: 1, min: 1, max: 1, why: 'one shared store' } });
const clients = { 'mem-register': () => new MemoryRegisterClient(store), 'mem-single': () => new MemoryRegisterClient(store) };

// Each run starts from an empty register, as a fresh cluster would.
const environment = async (): Promise<RunEnvironment> => fakeEnvironment({ memory: () => fakeDatabase('memory', { onSetup: () => store.values.clear(), clients }) });

const root = testDir('faultline-cli-');

const cli = (...argv: string[]) => runCli(argv, { environment });

const base = ['run', '--db', 'memory', '--workload', 'mem-register', '--nodes', '3', '--concurrency', '3', '--time-limit', '0.3', '--rate', '0'];

describe('faultline run', () => {
  it.each([
    [['--db', 'postgres'], 'faultline: unknown database "postgres"; expected one of memory\n'],
    [['--workload', 'nope'], `faultline: unknown workload "nope"; expected one of ${workloadNames().join(', ')}\n`],
    [['--workload', 'bank'], 'faultline: the bank workload has no client for memory; databases with one: (none in this build); a database gets one by offering the SQL capability (`sql`, see workloads/sql/sql-dialect.ts)\n'],
    [['--workload', 'register'], 'faultline: the register workload has no client for memory; databases with one: (none in this build)\n'],
    [['--nodes', 'x'], 'faultline: --nodes must be an integer >= 1 (got not a number)\n'],
    [['--concurrency', '0'], 'faultline: --concurrency must be an integer >= 1 (got 0)\n'],
    [['--time-limit', '-1'], 'faultline: --time-limit must be a number > 0 (got -1)\n'],
    [['--rate', '-5'], 'faultline: --rate must be a number >= 0 (got -5)\n'],
    [['--nemesis', 'earthquake'], 'faultline: unknown nemesis "earthquake"; expected one of clock, kill, packet, partition, pause\n'],
    [['--nemesis', 'partition:triangle'], 'faultline: --nemesis partition: unknown variant "triangle"; expected one of one, majority, majorities-ring, bridge, primaries, one-way\n'],
    [['--nemesis', 'partition,partition'], 'faultline: --nemesis names partition twice; give its variants once, joined with + (partition:a+b)\n'],
    [['--nemesis', 'kill'], 'faultline: --nemesis kill cannot run against memory: memory does not implement Killable (kill and start)\n'],
    [['--nemesis', 'partition:primaries'], 'faultline: --nemesis partition cannot run against memory: memory cannot say which node leads, so the primaries topology has nothing to aim at\n'],
    [['--nemesis', 'clock'], 'faultline: --nemesis clock cannot run against memory: memory does not declare that its binaries honour libfaketime (ClockAware), so a skew could not be trusted to take effect\n'],
    [['--read-consistency', 'quorum'], 'faultline: --read-consistency must be one of linearizable, serializable (got "quorum")\n'],
    [['--seed', '-3'], 'faultline: --seed must be a non-negative integer (got "-3")\n'],
    [['--option', 'opsPerKye=3'], 'faultline: --option: unknown option "opsPerKye" for the register workload; known: opsPerKey, threadsPerKey, valueRange, readConsistency, timeoutMs\n'],
    [['--name', '../x'], 'faultline: test name "../x" must be letters, digits, \'.\', \'_\' or \'-\' (and not "latest"): it names a folder in the store\n'],
    [['--isolation', 'snapshot'], 'faultline: --isolation must be one of read-committed, repeatable-read, serializable (got "snapshot")\n'],
    [['--consistency-model', 'snapshot'], `faultline: unknown consistency model "snapshot"; expected one of ${CONSISTENCY_MODELS.join(', ')}\n`],
    [['--frobnicate'], 'faultline: Unknown argument: frobnicate (see faultline --help)\n'],
  ])('rejects %j with one line and exit 254', async (extra, message) => {
    const { code, stdout, stderr } = await cli(...base, '--store', root, ...extra);
    expect(stderr).toBe(message);
    expect(stdout).toBe('');
    expect(code).toBe(254);
  });

  it('a workload that needs one node gets it by default, and refuses more before anything starts', async () => {
    const single = ['run', '--db', 'memory', '--workload', 'mem-single', '--concurrency', '2', '--time-limit', '0.3', '--rate', '0', '--store', root];
    const ok = await cli(...single);
    expect(ok.stdout + ok.stderr).toContain('faultline run: memory-mem-single on 1 memory nodes');
    expect(ok.code).toBe(0);
    const refused = await cli(...single, '--nodes', '3');
    expect(refused.stderr).toBe('faultline: --nodes: the mem-single workload runs on exactly 1 node (one shared store); got 3\n');
    expect(refused.code).toBe(254);
  });

  it('refuses a partition of one node', async () => {
    const args = base.map((a, i) => (base[i - 1] === '--nodes' ? '1' : a));
    const { code, stderr } = await cli(...args, '--store', root, '--nemesis', 'partition');
    expect(stderr).toBe('faultline: --nemesis partition cannot run against memory: a partition needs at least 2 nodes\n');
    expect(code).toBe(254);
  });

  it('--json prints only the result object on stdout; the seed and progress go to stderr', async () => {
    const { code, stdout, stderr } = await cli(...base, '--store', root, '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.valid).toBe(true);
    expect(result.ops.ok).toBeGreaterThan(10);
    expect(stderr).toMatch(new RegExp(`^faultline run: memory-mem-register on 3 memory nodes, seed ${result.seed}\\n`));
    expect(stderr).toContain(`run folder: `);
    expect(stderr).toContain(`  linearizable: `);
    expect(Object.keys(result.checkers).sort()).toEqual(['converged', 'linearizable', 'stats', 'well-formed']);
  });

  it('a repeated numeric flag takes its last value (yargs alone would add them up)', async () => {
    const { code, stdout } = await cli(...base, '--store', root, '--json', '--nodes', '4', '--nodes', '2', '--concurrency', '2');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    const spec = JSON.parse(await readFile(join(result.dir, 'test.json'), 'utf8'));
    expect([spec.nodes, spec.concurrency]).toEqual([2, 2]);
  });

  it('a replay command reproduces the test spec', async () => {
    const first = await cli(...base, '--store', root, '--json', '--rate', '1000', '--option', 'opsPerKey=7', '--name', 'replayed', '--isolation', 'serializable', '--consistency-model', 'snapshot-isolation');
    const r1 = JSON.parse(first.stdout);
    const argv = r1.replay.split(' ').slice(2).map((a: string) => a.replace(/^'(.*)'$/, '$1'));
    expect(argv).toContain('--seed');
    const second = await cli(...argv, '--json');
    expect(second.code).toBe(0);
    const r2 = JSON.parse(second.stdout);
    const spec = async (dir: string) => {
      const { versions: _v, ...rest } = JSON.parse(await readFile(join(dir, 'test.json'), 'utf8'));
      return rest;
    };
    expect(await spec(r2.dir)).toEqual(await spec(r1.dir));
    expect(r2.seed).toBe(r1.seed);
    expect(r2.replay).toBe(r1.replay);
  });
});

describe('--option values', () => {
  it('are JSON when they parse, strings otherwise', () => {
    expect(parseOptions(['a=3', 'b=true', 'c=serializable', 'd="x"', 'e=[1,2]', 'f=x=y'])).toEqual({ a: 3, b: true, c: 'serializable', d: 'x', e: [1, 2], f: 'x=y' });
    expect(() => parseOptions(['novalue'])).toThrow('--option expects key=value (got "novalue")');
  });
});
