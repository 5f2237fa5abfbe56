import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Completion, Invocation } from '../../harness/client.ts';
import { fakeDatabase, fakeEnvironment } from '../../test/support/fake-cluster.ts';
import { fakeNemesis } from '../../test/support/fake-nemesis.ts';
import { MemoryRegisterClient, MemoryStore } from '../../test/support/memory-register.ts';
import { compareSchedules, scheduleOf } from '../../test/support/schedule.ts';
import { registerNemesis } from '../../nemesis/registry.ts';
import { casRegister } from '../../workloads/register/register.ts';
import { registerWorkload } from '../../workloads/registry.ts';
import { installShutdownHandlers } from '../../harness/shutdown.ts';
import { readHistoryFile } from '../../harness/importers/read-history.ts';
import type { RunEnvironment } from '../run/environment.ts';
import type { TortureSummary } from '../torture/summary.ts';
import { runCli } from '../../test/support/cli-in-process.ts';
import { testDir } from '../../test/support/test-dir.ts';

// `faultline torture` end to end on the fake backend: real scheduler, checkers, store and
// summaries; an in-memory register for a database and fault classes that touch nothing.

const store = new MemoryStore();

/** Every third read answers a value no one wrote: a real linearizability violation. */
class StaleReadClient extends MemoryRegisterClient {
  private reads = 0;
  override async invoke(op: Invocation): Promise<Completion> {
    const c = await super.invoke(op);
    if (op.f === 'read' && c.type === 'ok' && this.reads++ % 3 === 2) return { ...c, value: 97 };
    return c;
  }
}

registerWorkload({ ...casRegister, name: 'mem-register' });
registerNemesis(fakeNemesis('flaky'));
registerNemesis(fakeNemesis('wobble'));

const environment = async (): Promise<RunEnvironment> =>
  fakeEnvironment({
    memory: () => fakeDatabase('memory', { onSetup: () => store.values.clear(), clients: { 'mem-register': () => new MemoryRegisterClient(store) } }),
    stale: () => fakeDatabase('stale', { onSetup: () => store.values.clear(), clients: { 'mem-register': () => new StaleReadClient(store) } }),
  });

const root = testDir('faultline-torture-');

const cli = (...argv: string[]) => runCli(argv, { environment });

const matrix = ['--db', 'memory,stale', '--workload', 'mem-register', '--nemesis', 'none', '--nemesis', 'flaky', '--nemesis', 'flaky,wobble'];
const settings = ['--nodes', '3', '--concurrency', '3', '--rate', '300', '--time-limit', '0.5', '--nemesis-interval', '0.05', '--recovery', '0'];

const summaryOf = (stdout: string) => JSON.parse(stdout) as TortureSummary;

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

describe('faultline torture', () => {
  let full: TortureSummary;
  let fullOut: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    fullOut = await cli('torture', ...matrix, ...settings, '--seed', '4242', '--store', join(root, 'full'), '--json', '--junit', join(root, 'full.xml'));
    full = summaryOf(fullOut.stdout);
  });

  it('runs two databases × three fault mixes, prints the table, and fails on the invalid runs with their replay commands', async () => {
    expect(full.runs.map((r) => r.id)).toEqual([
      'memory-mem-register-none#1',
      'memory-mem-register-flaky#1',
      'memory-mem-register-flaky.wobble#1',
      'stale-mem-register-none#1',
      'stale-mem-register-flaky#1',
      'stale-mem-register-flaky.wobble#1',
    ]);
    expect(full.runs.map((r) => r.verdict)).toEqual(['valid', 'valid', 'valid', 'invalid', 'invalid', 'invalid']);
    expect(fullOut.code).toBe(1);
    for (const r of full.runs.filter((x) => x.db === 'stale')) expect(r.anomalyTypes).toContain('nonlinearizable');
    // Runs with faults saw them start; runs without saw none.
    expect(full.runs.map((r) => r.faults > 0)).toEqual([false, true, true, false, true, true]);
    // The table: a header and one row per run, with the run's folder.
    const header = fullOut.stderr.split('\n').findIndex((l) => /^run\s+verdict\s+anomalies\s+ops ok\/invoked\s+faults\s+duration\s+path$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = fullOut.stderr.split('\n').slice(header + 1, header + 7);
    rows.forEach((row, i) => {
      expect(row.startsWith(full.runs[i]!.id)).toBe(true);
      expect(row).toContain(full.runs[i]!.verdict === 'invalid' ? 'INVALID' : 'valid');
    });
    expect(fullOut.stderr).toContain('6 runs: 3 valid, 3 INVALID, seed 4242');
    for (const r of full.runs.filter((x) => x.verdict === 'invalid')) {
      expect(fullOut.stderr).toContain(`  replay: ${r.replay}`);
      expect(r.replay).toContain(`--name ${r.name}`);
      expect(r.replay).toContain(`--seed ${r.seed}`);
    }
    // Each run in its own store folder; the summary beside them.
    expect(new Set(full.runs.map((r) => r.dir)).size).toBe(6);
    const written = JSON.parse(await readFile(join(root, 'full', 'torture', fullOut.stderr.match(/summary: .*torture\/(\S+)\/summary.json/)![1]!, 'summary.json'), 'utf8'));
    expect(written).toEqual(full);
  });

  it('writes JUnit XML: a suite per run, a case per checker and one for the run; anomalies as failures', async () => {
    const text = await readFile(join(root, 'full.xml'), 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = xml.parse(text);
    const suites = doc.testsuites.testsuite as { name: string; failures: string; errors: string; testcase: { name: string; failure?: { type: string; message: string } }[] }[];
    expect(suites.map((s) => s.name)).toEqual(full.runs.map((r) => r.id));
    for (const s of suites) expect(s.testcase.map((c) => c.name)).toEqual(['well-formed', 'stats', 'linearizable', 'converged', 'run']);
    const stale = suites[3]!;
    const lin = stale.testcase.find((c) => c.name === 'linearizable')!;
    expect(lin.failure!.type).toBe('nonlinearizable');
    expect(lin.failure!.message).toMatch(/^nonlinearizable: read → 97 .* cannot be linearized/);
    // Each stale run fails linearizable, and converged too when its final reads happened to disagree.
    const failing = suites.map((s) => s.testcase.filter((c) => c.failure).map((c) => c.name));
    expect(failing.slice(0, 3)).toEqual([[], [], []]);
    for (const f of failing.slice(3)) expect(f.filter((n) => n !== 'converged')).toEqual(['linearizable']);
    expect(suites.map((s) => Number(s.failures))).toEqual(failing.map((f) => f.length));
    expect(doc.testsuites.failures).toBe(String(failing.flat().length));
    expect(doc.testsuites.errors).toBe('0');
  });

  it('replays the same schedules from the same --seed', async () => {
    const again = summaryOf((await cli('torture', ...matrix, ...settings, '--seed', '4242', '--store', join(root, 'again'), '--json')).stdout);
    expect(again.runs.map((r) => [r.id, r.seed])).toEqual(full.runs.map((r) => [r.id, r.seed]));
    for (const [i, r] of again.runs.entries()) {
      const a = scheduleOf(await readHistoryFile(join(full.runs[i]!.dir!, 'history.jsonl')));
      const b = scheduleOf(await readHistoryFile(join(r.dir!, 'history.jsonl')));
      const cmp = compareSchedules(a, b);
      expect(cmp.problems, r.id).toEqual([]);
      expect(cmp.comparedOps).toBeGreaterThan(20);
      if (r.nemesis.length > 0) expect(cmp.comparedNemesis).toBeGreaterThan(0);
    }
    // Another seed gives other runs' seeds and other schedules.
    const other = summaryOf((await cli('torture', ...matrix, ...settings, '--seed', '4243', '--store', join(root, 'other'), '--json')).stdout);
    expect(other.runs.every((r, i) => r.seed !== full.runs[i]!.seed)).toBe(true);
    const a = scheduleOf(await readHistoryFile(join(full.runs[0]!.dir!, 'history.jsonl')));
    const b = scheduleOf(await readHistoryFile(join(other.runs[0]!.dir!, 'history.jsonl')));
    expect(compareSchedules(a, b).problems.length).toBeGreaterThan(0);
  });

  it('--shard 1/2 and 2/2, merged, give the same set of runs, one table and one JUnit file', async () => {
    const one = await cli('torture', ...matrix, ...settings, '--seed', '4242', '--store', join(root, 's'), '--shard', '1/2', '--json');
    const two = await cli('torture', ...matrix, ...settings, '--seed', '4242', '--store', join(root, 's'), '--shard', '2/2', '--json');
    const [s1, s2] = [summaryOf(one.stdout), summaryOf(two.stdout)];
    expect(s1.runs.length + s2.runs.length).toBe(6);
    expect(s1.runs.map((r) => r.index)).toEqual([0, 2, 4]);
    const merged = await cli('torture', '--merge', join(root, 's'), '--junit', join(root, 'merged.xml'), '--json');
    expect(merged.code).toBe(1);
    const m = summaryOf(merged.stdout);
    expect(m.runs.map((r) => [r.id, r.seed, r.verdict])).toEqual(full.runs.map((r) => [r.id, r.seed, r.verdict]));
    expect(m.shard).toBeNull();
    expect(merged.stderr).toContain('6 runs: 3 valid, 3 INVALID, seed 4242');
    const doc = xml.parse(await readFile(join(root, 'merged.xml'), 'utf8'));
    expect(doc.testsuites.testsuite.map((s: { name: string }) => s.name)).toEqual(full.runs.map((r) => r.id));

    // A missing shard leaves its runs not run: the merge cannot pass (fail closed).
    const only = await cli('torture', '--merge', join(root, 's', 'torture', one.stderr.match(/torture\/(\S+)\/summary.json/)![1]!), '--json');
    const partial = summaryOf(only.stdout);
    expect(partial.runs.filter((r) => r.verdict === 'not-run').map((r) => r.index)).toEqual([1, 3, 5]);
    expect(only.code).toBe(1);

    // Summaries of different sessions do not merge.
    const mixed = await cli('torture', '--merge', join(root, 's'), join(root, 'other'));
    expect(mixed.code).toBe(254);
    expect(mixed.stderr).toMatch(/comes from another session .*: merge only the shards of one session/);
  });

  it('--fail-fast stops after the first failing run; the rest are listed as not run', async () => {
    const r = await cli('torture', '--db', 'stale,memory', '--workload', 'mem-register', ...settings, '--seed', '7', '--store', join(root, 'ff'), '--fail-fast', '--json');
    const s = summaryOf(r.stdout);
    expect(s.runs.map((x) => x.verdict)).toEqual(['invalid', 'not-run']);
    expect(s.stopped).toBe('fail-fast');
    expect(r.code).toBe(1);
  });

  it('Ctrl-C stops the current run gracefully (checked: unknown) and leaves the rest not run; exit 2', async () => {
    installShutdownHandlers({ exit: () => {}, log: () => {} });
    // An hour-long run: one that ignored Ctrl-C would outlast the test's timeout.
    const pending = cli('torture', '--db', 'memory', '--workload', 'mem-register', '--seeds', '3', ...settings, '--time-limit', '3600', '--seed', '5', '--store', join(root, 'int'), '--json', '--junit', join(root, 'int.xml'));
    // Interrupt once the first run's workload is recording ops.
    const history = join(root, 'int', 'latest', 'history.jsonl');
    while (((await stat(history).catch(() => undefined))?.size ?? 0) < 1_000) await new Promise((r) => setTimeout(r, 20));
    process.emit('SIGINT');
    const r = await pending;
    const s = summaryOf(r.stdout);
    expect(s.runs.map((x) => x.verdict)).toEqual(['unknown', 'not-run', 'not-run']);
    expect(s.runs[0]!.incomplete).toEqual(['the run was interrupted before its time limit']);
    expect(s.runs[1]!.incomplete).toEqual(['not run: the session was interrupted']);
    expect(s.stopped).toBe('interrupted');
    expect(r.code).toBe(2);
    const doc = xml.parse(await readFile(join(root, 'int.xml'), 'utf8'));
    // The interrupted run's converged case (it never got to its final reads) and the two not run.
    expect(doc.testsuites.errors).toBe('4');
  });

  it('a run whose harness throws (its store folder cannot be made) is crashed, the session goes on, and exits 255', async () => {
    const storeDir = join(root, 'crash-store');
    await mkdir(storeDir, { recursive: true });
    await writeFile(join(storeDir, 'memory-mem-register-none'), 'a file where the test folder should be');
    const r = await cli('torture', '--db', 'memory', '--workload', 'mem-register', '--nemesis', 'none', '--nemesis', 'flaky', ...settings, '--seed', '5', '--store', storeDir, '--json');
    const s = summaryOf(r.stdout);
    expect(s.runs.map((x) => x.verdict)).toEqual(['crashed', 'valid']);
    expect(s.runs[0]!.incomplete[0]).toMatch(/^the harness crashed: .*(EEXIST|ENOTDIR)/);
    expect(r.code).toBe(255);
  });

  it('an all-valid session exits 0; a matrix file (YAML) with variants and seeds', async () => {
    const file = join(root, 'matrix.yaml');
    await writeFile(file, ['seeds: 2', 'databases: [memory]', 'workloads:', '  - mem-register', '  - {workload: mem-register, label: small-values, options: {valueRange: 2}}', 'nemesis: [flaky]', 'time-limit: 0.5', 'nodes: 3', 'concurrency: 3', 'rate: 300', 'nemesis-interval: 0.05', 'recovery: 0', ''].join('\n'));
    const r = await cli('torture', '--matrix', file, '--seed', '11', '--store', join(root, 'yaml'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(r.stdout);
    expect(s.runs.map((x) => x.id)).toEqual(['memory-mem-register-flaky#1', 'memory-small-values-flaky#1', 'memory-mem-register-flaky#2', 'memory-small-values-flaky#2']);
    expect(new Set(s.runs.map((x) => x.seed)).size).toBe(4);
    const test = JSON.parse(await readFile(join(s.runs[1]!.dir!, 'test.json'), 'utf8'));
    expect(test.options).toEqual({ valueRange: 2 });
    expect(s.replay).toBe(`npx faultline torture --matrix ${file} --store ${join(root, 'yaml')} --seed 11`);
  });

  it('--dry-run lists the plan with seeds and runs nothing', async () => {
    const r = await cli('torture', ...matrix, '--seed', '4242', '--shard', '2/2', '--dry-run', '--store', join(root, 'dry'));
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    expect(lines.map((l) => l.trim().split(/\s+/)[1])).toEqual([full.runs[1]!.id, full.runs[3]!.id, full.runs[5]!.id]);
    expect(lines[0]).toContain(`seed ${full.runs[1]!.seed}`);
  });

  it.each([
    [['--db', 'mongo'], 'faultline: --db: unknown database "mongo"; expected one of memory, stale\n'],
    [['--db', 'memory', '--nemesis', 'flaky,gremlin'], 'faultline: --nemesis: unknown nemesis "gremlin"; expected one of clock, flaky, kill, packet, partition, pause, wobble\n'],
    [['--db', 'memory', '--workload', 'mem-register', '--shard', '3/2'], 'faultline: --shard must be K/N with 1 <= K <= N, e.g. 2/4 (got "3/2")\n'],
    [['--db', 'memory', '--workload', 'mem-register', '--nodes', '0'], 'faultline: run memory-mem-register-none#1: --nodes must be an integer >= 1 (got 0)\n'],
    [['--db', 'memory'], 'faultline: the matrix has no combination that can run: memory-register-none (the register workload has no client for memory)\n'],
    [['--merge', 'nowhere'], 'faultline: nowhere: no such file or folder\n'],
    [['--merge', '.', '--seed', '3'], 'faultline: --merge joins finished summaries and takes no matrix flags (got --seed)\n'],
  ])('rejects %j with one line and exit 254, running nothing', async (extra, message) => {
    const r = await cli('torture', ...extra, '--store', join(root, 'bad'));
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(254);
    expect(r.stdout).toBe('');
  });

  it('a matrix file with problems names each with its line', async () => {
    const file = join(root, 'bad.yaml');
    await writeFile(file, ['databases: [memory, mongo]', 'workloads: [mem-register]', 'nemesis:', '  - flaky', '  - [gremlin]', 'nodse: 3', ''].join('\n'));
    const r = await cli('torture', '--matrix', file);
    expect(r.code).toBe(254);
    expect(r.stderr).toBe(`faultline: ${file}: 3 problems: line 6: unknown key "nodse"; expected one of seed, seeds, databases, workloads, nemesis, isolation, options, nodes, concurrency, rate, time-limit, nemesis-interval, recovery; line 1: unknown db "mongo"; expected one of memory, stale; line 5: unknown nemesis "gremlin"; expected one of clock, flaky, kill, packet, partition, pause, wobble\n`);
    await writeFile(file, 'databases: [memory\n');
    const y = await cli('torture', '--matrix', file);
    expect(y.code).toBe(254);
    expect(y.stderr).toMatch(new RegExp(`^faultline: ${file}:\\d: not valid YAML or JSON: `));
  });
});
