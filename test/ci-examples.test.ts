import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './support/cli-in-process.ts';

// The CI examples in docs/ci/ are files people copy: they must at least parse and say what the
// README says they do.

const docs = join(import.meta.dirname, '..', 'docs', 'ci');


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

  it('the nightly matrix plans: every combination with a client runs, and only a partition of one SQL server is left out', async () => {
    const { code, stdout } = await runCli(['torture', '--matrix', join(docs, 'nightly-matrix.yaml'), '--seed', '1', '--dry-run']);
    expect(code, stdout).toBe(0);
    const leftOut = stdout.split('\n').filter((l) => l.startsWith('left out:') && !l.includes('has no client for'));
    expect(leftOut.length).toBeGreaterThan(0);
    for (const l of leftOut) expect(l).toMatch(/^left out: (postgres|mariadb)-(list-append|bank)-.*partition.* \(partition: a partition needs at least 2 nodes\)$/);
    // etcd × register, and two SQL databases × two workloads × the four mixes without a partition; 3 seeds.
    expect(stdout).toContain(`faultline torture: ${(6 + 2 * 2 * 4) * 3} runs, seed 1`);
  });
});
