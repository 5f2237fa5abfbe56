import { existsSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fakeDatabase, fakeEnvironment } from '../../test/support/fake-cluster.ts';
import { MemoryRegisterClient, MemoryStore } from '../../test/support/memory-register.ts';
import { corpusMissing, corpusPath, needsCorpus } from '../../test/support/corpus.ts';
import { casRegister } from '../../workloads/register/register.ts';
import { registerWorkload } from '../../workloads/registry.ts';
import type { RunEnvironment } from '../run/environment.ts';
import { runCli } from '../../test/support/cli-in-process.ts';
import { testDir } from '../../test/support/test-dir.ts';

// Each exit code from a real cause, through the CLI, with the JUnit file CI would read.
// (A real etcd run's 0 and a database that does not come up are in gate.int.test.ts.)

const store = new MemoryStore();
registerWorkload({ ...casRegister, name: 'mem-register' });
const clients = { 'mem-register': () => new MemoryRegisterClient(store) };

const environment = async (): Promise<RunEnvironment> =>
  fakeEnvironment({
    memory: () => fakeDatabase('memory', { onSetup: () => store.values.clear(), clients }),
    // A bug in database code: not the user's input, so the harness failed (255).
    broken: () => fakeDatabase('broken', { setupError: new TypeError("Cannot read properties of undefined (reading 'ip')"), clients }),
  });

const root = testDir('faultline-exit-');

const cli = (...argv: string[]) => runCli(argv, { environment });

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase'].includes(n) });
async function junit(file: string) {
  const text = await readFile(file, 'utf8');
  expect(XMLValidator.validate(text)).toBe(true);
  return parser.parse(text).testsuites;
}

const porcupine = corpusPath('porcupine');
const run = ['run', '--workload', 'mem-register', '--nodes', '3', '--concurrency', '3', '--time-limit', '0.3', '--rate', '0'];

describe('exit codes from real causes, and their JUnit files', () => {
  it.skipIf(corpusMissing)(needsCorpus('1: a history with an anomaly (Jepsen etcd_000, not linearizable); the failure message is the explanation'), async () => {
    const file = join(porcupine, 'jepsen', 'etcd_000.log');
    const r = await cli('check', file, '--checker', 'linearizable', '--junit', join(root, 'invalid.xml'));
    expect(r.code).toBe(1);
    const doc = await junit(join(root, 'invalid.xml'));
    expect([doc.tests, doc.failures, doc.errors]).toEqual(['1', '1', '0']);
    const tc = doc.testsuite[0].testcase[0];
    expect([doc.testsuite[0].name, tc.name, tc.failure.type]).toEqual([file, 'linearizable', 'nonlinearizable']);
    expect(tc.failure.message).toMatch(/^nonlinearizable: .* cannot be linearized/);
    expect(r.stdout).toContain(tc.failure.message.replace(/^nonlinearizable: /, '').slice(0, 60));
  });

  it.skipIf(corpusMissing)(needsCorpus('2: a checker out of time (a 50-client history with 5 ms to decide) is unknown: an error case, never a pass'), async () => {
    const r = await cli('check', join(porcupine, 'kv', 'c50-ok.txt'), '--checker', 'linearizable', '--model', 'kv', '--time-limit', '0.005', '--junit', join(root, 'unknown.xml'));
    expect(r.code).toBe(2);
    const doc = await junit(join(root, 'unknown.xml'));
    expect([doc.failures, doc.errors]).toEqual(['0', '1']);
    expect(doc.testsuite[0].testcase[0].error.type).toBe('unknown');
    expect(doc.testsuite[0].testcase[0].error.message).toMatch(/^unknown: the time limit of 5 ms ran out before deciding/);
  });

  it('254: a malformed file names file and line; no JUnit file is written', async () => {
    const bad = join(root, 'bad.jsonl');
    await writeFile(bad, '{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}\n{"index":1,"time":5,"type":"ok",\n');
    const r = await cli('check', bad, '--junit', join(root, 'bad.xml'));
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(new RegExp(`^faultline: ${bad}:2: `));
    expect(existsSync(join(root, 'bad.xml'))).toBe(false);
    const nowhere = await cli('check', bad, '--junit', join(root, 'no', 'such', 'dir.xml'));
    expect([nowhere.code, nowhere.stderr]).toEqual([254, `faultline: ${join(root, 'no', 'such', 'dir.xml')}: cannot write the JUnit file: no such folder\n`]);
  });

  it('255: the harness failed (a bug in database setup); the run still writes results.json and a JUnit error', async () => {
    const r = await cli(...run, '--db', 'broken', '--store', root, '--json', '--junit', join(root, 'crash.xml'));
    expect(r.code).toBe(255);
    const result = JSON.parse(r.stdout);
    expect(result.valid).toBe('unknown');
    expect(result.incomplete).toEqual(["the run failed: TypeError: Cannot read properties of undefined (reading 'ip')"]);
    expect(JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8')).valid).toBe('unknown');
    const doc = await junit(join(root, 'crash.xml'));
    const runCase = doc.testsuite[0].testcase.find((c: { name: string }) => c.name === 'run');
    expect(runCase.error).toMatchObject({ type: 'incomplete', message: "the run failed: TypeError: Cannot read properties of undefined (reading 'ip')" });
  });

  it('0: a valid run, and its JUnit file has only passing cases', async () => {
    const r = await cli(...run, '--db', 'memory', '--store', root, '--junit', join(root, 'valid.xml'));
    expect(r.code).toBe(0);
    const doc = await junit(join(root, 'valid.xml'));
    expect([doc.tests, doc.failures, doc.errors]).toEqual(['5', '0', '0']);
  });
});

describe('faultline check RUN_DIR', () => {
  async function freshRun(): Promise<string> {
    const r = await cli(...run, '--db', 'memory', '--store', join(root, 'recheck'), '--json');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout).dir;
  }

  it("re-runs the test's checkers on the stored history and rewrites results.json and report.html", async () => {
    const dir = await freshRun();
    // What an older checker version might have said about this run.
    const old = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    const stale = { ...old, valid: false, anomalyTypes: ['nonlinearizable'], checkers: { ...old.checkers, linearizable: { ...old.checkers.linearizable, valid: false, anomalyTypes: ['nonlinearizable'], anomalies: [{ type: 'nonlinearizable', text: 'an old false alarm' }] } } };
    await writeFile(join(dir, 'results.json'), JSON.stringify(stale));
    await unlink(join(dir, 'report.html'));
    const r = await cli('check', dir, '--junit', join(root, 'recheck.xml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${dir}: valid (re-checked memory-mem-register: well-formed, stats, linearizable, converged; was INVALID)`);
    const now = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(now).toMatchObject({ valid: true, anomalyTypes: [], previous: { valid: false, anomalyTypes: ['nonlinearizable'] }, runId: old.runId, seed: old.seed, durationMs: old.durationMs, ops: old.ops });
    expect(now.checkers.linearizable.valid).toBe(true);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const doc = await junit(join(root, 'recheck.xml'));
    expect(doc.testsuite[0].testcase.map((c: { name: string }) => c.name)).toEqual(['well-formed', 'stats', 'linearizable', 'converged', 'run']);
  });

  it('keeps what only the run knew: an interrupted run stays unknown; a run that left no results.json cannot pass', async () => {
    const dir = await freshRun();
    const old = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    await writeFile(join(dir, 'results.json'), JSON.stringify({ ...old, interrupted: true }));
    const r = await cli('check', dir, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).incomplete).toEqual(['the run was interrupted before its time limit']);
    await unlink(join(dir, 'results.json'));
    const gone = await cli('check', dir, '--json');
    expect(gone.code).toBe(2);
    expect(JSON.parse(gone.stdout).incomplete).toEqual(['the run left no results.json: it stopped before its checks']);
    expect(gone.stdout).not.toContain('"previous"');
  });

  it('254 for a folder that is not a run, or a run of a workload this build lacks', async () => {
    const r = await cli('check', root);
    expect(r.code).toBe(254);
    expect(r.stderr).toBe(`faultline: ${root}: no test.json here: not a faultline run folder (expected store/<test>/<timestamp>/)\n`);
    const dir = await freshRun();
    const c = await cli('check', dir, '--checker', 'stats');
    expect([c.code, c.stderr]).toEqual([254, "faultline: --checker applies to history files; a run folder is re-checked with its test's own checkers\n"]);
    const test = JSON.parse(await readFile(join(dir, 'test.json'), 'utf8'));
    await writeFile(join(dir, 'test.json'), JSON.stringify({ ...test, workload: 'queue' }));
    const w = await cli('check', dir);
    expect(w.code).toBe(254);
    expect(w.stderr).toMatch(/test\.json: test\.json names the workload "queue", which this build does not have/);
  });
});
