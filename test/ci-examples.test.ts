import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { databaseNames } from '../docker/databases.ts';
import { nemesisNames } from '../nemesis/registry.ts';
import { workloadNames } from '../workloads/registry.ts';
import { completeMatrix, readMatrixFile } from '../harness/torture/matrix.ts';
import { planMatrix } from '../harness/torture/plan.ts';

// The CI examples in docs/ci/ are files people copy: they must at least parse and say what the
// README says they do.

const docs = join(import.meta.dirname, '..', 'docs', 'ci');

/** Names the nightly matrix uses that land from branches still in flight (sql, nemesis). */
const IN_FLIGHT = { databases: ['postgres'], workloads: ['list-append', 'bank'], nemeses: ['partition', 'kill', 'pause', 'packet'] };

describe('docs/ci', () => {
  it('the gate workflow runs a 60 s etcd run with partitions on every push, and uploads the run folder and JUnit', async () => {
    const wf = parse(await readFile(join(docs, 'gate.yml'), 'utf8'));
    expect(Object.keys(wf.on)).toContain('push');
    const steps = wf.jobs.gate.steps as { run?: string; uses?: string; with?: Record<string, string>; if?: string }[];
    const run = steps.find((s) => s.run?.includes('faultline run'))!.run!;
    for (const flag of ['--db etcd', '--time-limit 60', '--nemesis partition', '--junit faultline-junit.xml']) expect(run).toContain(flag);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with!.path).toContain('store/');
  });

  it('the nightly workflow shards the matrix over parallel jobs with one seed and merges their summaries', async () => {
    const wf = parse(await readFile(join(docs, 'nightly-torture.yml'), 'utf8'));
    expect(wf.on.schedule).toHaveLength(1);
    const shards = wf.jobs.torture.strategy.matrix.shard as number[];
    const run = (wf.jobs.torture.steps as { run?: string }[]).find((s) => s.run?.includes('faultline torture'))!.run!;
    expect(run).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(run).toContain('--matrix docs/ci/nightly-matrix.yaml');
    expect(run).toMatch(/--seed \$\{\{ [^}]+ \}\}/);
    expect(wf.jobs.merge.needs).toBe('torture');
    expect(wf.jobs.merge.if).toBe('always()');
    expect((wf.jobs.merge.steps as { run?: string }[]).some((s) => s.run?.startsWith('npx faultline torture --merge shards --junit'))).toBe(true);
  });

  it('the nightly matrix parses and plans (with the names still in flight on other branches)', async () => {
    const with_ = (mine: string[], more: string[]) => [...new Set([...mine, ...more])];
    const input = await readMatrixFile(join(docs, 'nightly-matrix.yaml'), {
      databases: with_(databaseNames(), IN_FLIGHT.databases),
      workloads: with_(workloadNames(), IN_FLIGHT.workloads),
      nemeses: with_(nemesisNames(), IN_FLIGHT.nemeses),
    });
    const plan = planMatrix(completeMatrix(input, {}, { databases: [], workloads: [] }), 1);
    expect(plan.runs.length).toBe(3 * 3 * 3 * 6);
  });
});
