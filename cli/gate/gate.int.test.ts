import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../docker/engine.ts';
import { runObjects } from '../../test/support/run-objects.ts';
import { compareSchedules, scheduleOf } from '../../test/support/schedule.ts';
import { readHistoryFile } from '../../harness/importers/read-history.ts';
import type { RunResult } from '../../harness/store/run-result.ts';
import type { TortureSummary } from '../torture/summary.ts';

// The gate against real etcd clusters in Docker: exit codes from real causes, JUnit that parses,
// and a torture session that replays its schedules and shards into the same set of runs.

const repo = join(import.meta.dirname, '..', '..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-gate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function faultline(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repo, 'bin/faultline.js'), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

interface Case {
  name: string;
  failure?: { type: string; message: string };
  error?: { type: string; message: string };
}

async function junit(file: string): Promise<{ suites: { name: string; tests: string; testcase: Case[] }[]; failures: number; errors: number }> {
  const text = await readFile(file, 'utf8');
  expect(XMLValidator.validate(text)).toBe(true);
  const doc = xml.parse(text);
  return { suites: doc.testsuites.testsuite, failures: Number(doc.testsuites.failures), errors: Number(doc.testsuites.errors) };
}

const short = ['--nodes', '3', '--concurrency', '5', '--rate', '100', '--time-limit', '5'];

describe('the gate on etcd', () => {
  it('a valid run exits 0 and its JUnit file has a passing case per checker and one for the run; re-checking it rewrites results.json', async () => {
    const store = join(dir, 'valid');
    const r = await faultline('run', '--db', 'etcd', ...short, '--store', store, '--json', '--junit', join(dir, 'valid.xml'));
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.valid).toBe(true);
    expect(result.incomplete).toEqual([]);
    const j = await junit(join(dir, 'valid.xml'));
    expect(j.suites.map((s) => s.name)).toEqual(['etcd-register']);
    expect(j.suites[0]!.testcase.map((c) => c.name)).toEqual(['well-formed', 'stats', 'linearizable', 'converged', 'run']);
    expect([j.failures, j.errors]).toEqual([0, 0]);

    const again = await faultline('check', result.dir, '--json', '--junit', join(dir, 'recheck.xml'));
    expect(again.code, again.stderr).toBe(0);
    const rechecked = JSON.parse(again.stdout);
    expect(rechecked).toMatchObject({ valid: true, previous: { valid: true }, runId: result.runId, seed: result.seed });
    expect(JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8')).recheckedAt).toBe(rechecked.recheckedAt);
    expect((await junit(join(dir, 'recheck.xml'))).suites[0]!.testcase.map((c) => c.name)).toEqual(['well-formed', 'stats', 'linearizable', 'converged', 'run']);
  });

  it('a database that does not come up is a harness failure: exit 255, results say why, JUnit has an error, nothing is left behind', async () => {
    const store = join(dir, 'crash');
    const r = await faultline('run', '--db', 'etcd', ...short, '--option', 'etcdStartTimeoutMs=1', '--store', store, '--json', '--junit', join(dir, 'crash.xml'));
    expect(r.code, r.stderr).toBe(255);
    const result = JSON.parse(r.stdout) as RunResult;
    expect(result.valid).toBe('unknown');
    expect(result.error).toMatch(/etcd on n\d .*1 ms/);
    expect(result.incomplete[0]).toBe(`the run failed: ${result.error}`);
    expect(r.stderr).toContain(`faultline: the run failed: ${result.error}`);
    const j = await junit(join(dir, 'crash.xml'));
    const run = j.suites[0]!.testcase.find((c) => c.name === 'run')!;
    expect(run.error!.type).toBe('incomplete');
    expect(j.errors).toBeGreaterThanOrEqual(1);
    expect(await runObjects(dockerClient(), result.runId)).toEqual({ containers: [], networks: [] });
  });

  it('a torture session of 6 short runs (two databases × three fault mixes) prints its table; as two shards merged it is the same set of runs, with the same schedules', async () => {
    const matrix = join(dir, 'matrix.yaml');
    await writeFile(
      matrix,
      [
        'seeds: 1',
        'databases: [{db: etcd, nodes: 3}, {db: postgres, isolation: serializable}]',
        'workloads: [register, list-append]',
        'nemesis: [none, kill, pause]',
        'concurrency: 5',
        'rate: 100',
        'time-limit: 6',
        'nemesis-interval: 1.5',
        'recovery: 2',
        '',
      ].join('\n'),
    );
    const store = join(dir, 'torture');
    const shards = [];
    for (const k of [1, 2]) {
      const s = await faultline('torture', '--matrix', matrix, '--seed', '99', '--shard', `${k}/2`, '--store', store, '--json');
      expect([0, 1, 2], s.stderr).toContain(s.code);
      shards.push(JSON.parse(s.stdout) as TortureSummary);
    }
    const merged = await faultline('torture', '--merge', join(store, 'torture'), '--junit', join(dir, 'merged.xml'), '--json');
    const m = JSON.parse(merged.stdout) as TortureSummary;

    const full = await faultline('torture', '--matrix', matrix, '--seed', '99', '--store', join(dir, 'torture-full'), '--junit', join(dir, 'full.xml'));
    const rows = full.stdout.split('\n').filter((l) => /^(etcd-register|postgres-list-append)-(none|kill|pause)#1\s/.test(l));
    expect(rows, full.stdout).toHaveLength(6);
    expect(full.stdout).toMatch(/^run\s+verdict\s+anomalies\s+ops ok\/invoked\s+faults\s+duration\s+path$/m);
    const summaryFile = /summary: (\S+)/.exec(full.stdout)![1]!;
    const f = JSON.parse(await readFile(summaryFile, 'utf8')) as TortureSummary;
    expect(f.runs.every((r) => r.verdict === 'valid'), full.stdout).toBe(true);
    // The faults took effect: every kill or pause run injected some, the others none.
    for (const r of f.runs) expect(r.faults > 0, `${r.id}: ${r.faults} faults`).toBe(r.nemesis.length > 0);
    expect(full.code).toBe(0);
    expect(merged.code).toBe(0);

    // The same set of runs, with the same seeds, whichever way the session was cut.
    expect(m.runs.map((r) => [r.id, r.seed])).toEqual(f.runs.map((r) => [r.id, r.seed]));
    expect(new Set(f.runs.map((r) => r.seed)).size).toBe(6);
    const j = await junit(join(dir, 'merged.xml'));
    expect(j.suites.map((s) => s.name)).toEqual(f.runs.map((r) => r.id));
    expect((await junit(join(dir, 'full.xml'))).suites).toHaveLength(6);

    // And the same schedules: per key the same ops, whatever etcd answered.
    for (const run of f.runs) {
      const shardRun = m.runs.find((r) => r.id === run.id)!;
      const a = scheduleOf(await readHistoryFile(join(run.dir!, 'history.jsonl')));
      const b = scheduleOf(await readHistoryFile(join(shardRun.dir!, 'history.jsonl')));
      const cmp = compareSchedules(a, b);
      expect(cmp.problems, run.id).toEqual([]);
      expect(cmp.comparedOps).toBeGreaterThan(100);
    }
  });
});
