import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from '../../harness/generator/basic.ts';
import { fakeBackend, fakeDatabase, type FakeDatabaseOptions } from '../../test/support/fake-cluster.ts';
import { MemoryRegisterClient, MemoryStore } from '../../test/support/memory-register.ts';
import { FINAL_READ } from '../../checkers/conventions.ts';
import { casRegister } from '../../workloads/register/register.ts';
import type { NemesisFactory } from '../../harness/nemesis.ts';
import { readHistoryFile } from '../../harness/importers/read-history.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import type { Op } from '../../harness/history/op.ts';
import { runTest, type RunDeps } from './run-test.ts';
import { cycle, concat } from '../../harness/generator/combinators.ts';
import { sleep } from '../../harness/generator/basic.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'faultline-run-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const spec = (over: Partial<TestSpec> = {}): TestSpec => ({
  name: 'memory-register',
  db: 'memory',
  workload: 'register',
  nodes: 3,
  concurrency: 4,
  rate: 0,
  timeLimit: 0.5,
  nemesis: [],
  nemesisInterval: 0.1,
  recovery: 0,
  seed: 42,
  options: {},
  ...over,
});

/** A database whose register client is an in-memory store, answering after `latencyMs`. */
function memoryDb(latencyMs = 1, options: FakeDatabaseOptions = {}) {
  const store = new MemoryStore();
  return fakeDatabase('memory', { clients: { register: () => new MemoryRegisterClient(store, { latencyMs: () => latencyMs }) }, ...options });
}

function deps(over: Partial<RunDeps> = {}): RunDeps & { backend: ReturnType<typeof fakeBackend>; db: ReturnType<typeof fakeDatabase> } {
  return { backend: fakeBackend(), db: memoryDb(), workload: casRegister, nemeses: [], storeRoot: root, ...over } as never;
}

describe('runTest', () => {
  it('writes the run folder, checks the history, and cleans up everything', async () => {
    const d = deps();
    const { result, error } = await runTest(spec(), d);
    expect(error).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.ops.ok).toBeGreaterThan(100);
    expect(Object.keys(result.checkers).sort()).toEqual(['converged', 'linearizable', 'stats', 'well-formed']);
    expect(result.checkers.linearizable!.valid).toBe(true);
    expect(result.skipped).toEqual([]);
    expect(result.replay).toBe(`npx faultline run --db memory --workload register --nodes 3 --concurrency 4 --rate 0 --time-limit 0.5 --store ${root} --seed 42`);

    expect((await readdir(result.dir)).sort()).toEqual(['faultline.log', 'history.jsonl', 'nodes', 'report.html', 'results.json', 'test.json']);
    expect(await readFile(join(result.dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(result.dir.startsWith(join(root, 'memory-register', ''))).toBe(true);
    expect(result.dir).toMatch(/\/\d{8}T\d{6}\.\d{3}$/);
    expect(await readlink(join(root, 'latest'))).toBe(join('memory-register', result.dir.split('/').pop()!));
    const test = JSON.parse(await readFile(join(result.dir, 'test.json'), 'utf8'));
    expect(test.versions).toMatchObject({ memory: '0.0-fake' });
    expect(JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8'))).toEqual(result);
    expect(await readFile(join(result.dir, 'nodes', 'n2', 'db.log'), 'utf8')).toBe('log of n2\n');
    const history = await readHistoryFile(join(result.dir, 'history.jsonl'));
    expect(history).toHaveLength(result.ops.invoked * 2);
    expect(await readFile(join(result.dir, 'faultline.log'), 'utf8')).toMatch(/INFO memory-register: seed 42/);

    const cluster = d.backend.clusters[0]!;
    expect(cluster.tornDown).toBe(true);
    expect(cluster.calls.at(-1)).toBe('teardown');
    expect(d.db.events).toEqual(['setup', 'teardown']);
    expect(d.backend.prepared).toEqual(['memory']);
  });

  // No clock in these: the abort comes on an event, and a run that did not stop would outlast the test's timeout by hours.
  it('an interrupted run stops promptly, cleans up, and its prefix checks; valid becomes unknown', async () => {
    const d = deps({ db: memoryDb(5) });
    const controller = new AbortController();
    let recorded = 0;
    let invokedAtAbort = 0;
    const observer = {
      onOp: (op: Op) => {
        if (op.type === 'invoke') invokedAtAbort += controller.signal.aborted ? 0 : 1;
        if (++recorded === 200) controller.abort();
      },
    };
    const { result, error } = await runTest(spec({ timeLimit: 3_600 }), { ...d, signal: controller.signal, drainMs: 500, observer });
    expect(error).toBeUndefined();
    // Nothing new was started once the signal came: only the ops already in flight completed.
    expect(result.ops.invoked).toBe(invokedAtAbort);
    expect(result.interrupted).toBe(true);
    expect(result.valid).toBe('unknown');
    expect(result.checkers['well-formed']!.valid).toBe(true);
    expect(d.backend.clusters[0]!.tornDown).toBe(true);
    // The containers' removal stops the database; no graceful stop on an interrupt.
    expect(d.db.events).toEqual(['setup']);
    expect((await readHistoryFile(join(result.dir, 'history.jsonl'))).length).toBeGreaterThan(50);
  });

  it('an abort during database setup skips the workload and still tears down', async () => {
    const d = deps({ db: memoryDb(1, { setupHangs: true }) });
    const controller = new AbortController();
    const observer = { onPhase: (phase: string) => phase === 'db-setup' && setImmediate(() => controller.abort()) };
    const { result } = await runTest(spec(), { ...d, signal: controller.signal, observer });
    expect(result.interrupted).toBe(true);
    expect(result.ops.invoked).toBe(0);
    expect(d.backend.clusters[0]!.tornDown).toBe(true);
  });

  it('a failed database setup is reported with its reason, cleanup still runs', async () => {
    const d = deps({ db: memoryDb(1, { setupError: new Error('etcd on n3 not healthy after 30000 ms') }) });
    const { result, error } = await runTest(spec(), d);
    expect(error).toBeInstanceOf(Error);
    expect(result.valid).toBe('unknown');
    expect(result.error).toBe('Error: etcd on n3 not healthy after 30000 ms');
    expect(d.backend.clusters[0]!.tornDown).toBe(true);
    expect(d.db.events).toEqual(['setup', 'teardown']);
    expect(JSON.parse(await readFile(join(result.dir, 'results.json'), 'utf8')).error).toBe(result.error);
  });

  it('runs a nemesis beside the workload, heals it at the end, and records its ops', async () => {
    const log: string[] = [];
    const factory: NemesisFactory = {
      name: 'noop',
      description: 'records what it is asked',
      create: ({ intervalNs }) => ({
        nemesis: {
          fs: ['start-noop', 'stop-noop'],
          setup: async () => void log.push('setup'),
          invoke: async (op, ctx) => {
            log.push(op.f);
            return { value: { nodes: [ctx.random.pick(ctx.cluster.nodes.map((n) => n.name))] } };
          },
          teardown: async () => void log.push('teardown'),
        },
        generator: cycle(concat(sleep(intervalNs), once({ f: 'start-noop', value: null }), sleep(intervalNs), once({ f: 'stop-noop', value: null }))),
        final: once({ f: 'stop-noop', value: null }),
      }),
    };
    const d = deps({ nemeses: [factory] });
    const { result } = await runTest(spec({ nemesis: ['noop'], recovery: 0.1 }), d);
    expect(result.valid).toBe(true);
    expect(result.ops.nemesis).toBeGreaterThanOrEqual(3);
    expect(log[0]).toBe('setup');
    expect(log.at(-2)).toBe('stop-noop');
    expect(log.at(-1)).toBe('teardown');
    const history = await readHistoryFile(join(result.dir, 'history.jsonl'));
    const nem = history.filter((o) => o.process === 'nemesis');
    expect(nem.every((o) => o.type === 'info')).toBe(true);
    expect(nem[1]!.value).toEqual({ nodes: [expect.stringMatching(/^n[123]$/)] });
    // The final heal comes after every client op of the main phase, and before the final reads.
    const firstFinal = history.findIndex((o) => o.value === FINAL_READ);
    expect(firstFinal).toBeGreaterThan(0);
    const lastMain = history.slice(0, firstFinal).findLast((o) => o.process !== 'nemesis')!;
    expect(nem.at(-1)!.index).toBeGreaterThan(lastMain.index);
    expect(nem.at(-1)!.index).toBeLessThan(firstFinal);
    // Its window is in results.json with the availability figures.
    expect(result.availability?.length).toBeGreaterThanOrEqual(1);
    expect(result.availability![0]).toMatchObject({ fault: 'noop', ok: expect.any(Number), longestGapMs: expect.any(Number) });
  });
});
