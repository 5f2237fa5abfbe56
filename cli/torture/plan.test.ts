import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeMatrix, MAX_SEEDS, RUN_DEFAULTS, variant, type Matrix } from './matrix.ts';
import { deriveSeed, inShard, MAX_RUNS, parseShard, planMatrix, plannedSpec, shardRuns } from './plan.ts';

const matrix = (over: Partial<Matrix> = {}): Matrix => ({
  ...completeMatrix({}, {}, { databases: ['etcd', 'postgres'], workloads: ['register'] }),
  nemesis: [[], ['partition'], ['kill', 'pause']],
  seeds: 2,
  ...over,
});

describe('planMatrix', () => {
  it('replicates outermost, then databases, workloads, fault mixes, as listed', () => {
    const plan = planMatrix(matrix(), 42);
    expect(plan.runs.map((r) => r.id)).toEqual([
      'etcd-register-none#1', 'etcd-register-partition#1', 'etcd-register-kill.pause#1',
      'postgres-register-none#1', 'postgres-register-partition#1', 'postgres-register-kill.pause#1',
      'etcd-register-none#2', 'etcd-register-partition#2', 'etcd-register-kill.pause#2',
      'postgres-register-none#2', 'postgres-register-partition#2', 'postgres-register-kill.pause#2',
    ]);
    expect(plan.runs.map((r) => r.index)).toEqual([...Array(12).keys()]);
    expect(new Set(plan.runs.map((r) => r.seed)).size).toBe(12);
    expect(plan.excluded).toEqual([]);
  });

  it('leaves out combinations that cannot run, once each, and indexes what is left densely', () => {
    const plan = planMatrix(matrix(), 42, (db, _w, n) => (db.name === 'etcd' && n.includes('kill') ? 'no kill here' : undefined));
    expect(plan.excluded).toEqual([{ name: 'etcd-register-kill.pause', reason: 'no kill here' }]);
    expect(plan.runs).toHaveLength(10);
    expect(plan.runs.map((r) => r.index)).toEqual([...Array(10).keys()]);
  });

  it('a run keeps its seed when the matrix grows (seeds depend on the session seed and the run id only)', () => {
    const small = planMatrix(matrix({ databases: [variant('etcd')] }), 42);
    const big = planMatrix(matrix(), 42);
    for (const r of small.runs) expect(big.runs.find((b) => b.id === r.id)!.seed).toBe(r.seed);
    expect(planMatrix(matrix(), 43).runs.every((r, i) => r.seed !== big.runs[i]!.seed)).toBe(true);
  });

  it('rejects two combinations with one name', () => {
    expect(() => planMatrix(matrix({ databases: [variant('etcd'), variant('etcd')] }), 1)).toThrow('two combinations of the matrix are both named etcd-register-none');
  });

  it('a planned spec takes the settings, then the database variant, then the workload variant', () => {
    const m = matrix({ databases: [variant('postgres', 'pg-rr', { x: 1, y: 1 }, { isolation: 'repeatable-read' })], workloads: [variant('list-append', 'append', { y: 2 })], run: { ...matrix().run, options: { x: 0, z: 0 }, isolation: 'serializable' } });
    const [run] = planMatrix(m, 5).runs;
    expect(plannedSpec(run!, m.run)).toMatchObject({ name: 'pg-rr-append-none', db: 'postgres', workload: 'list-append', isolation: 'repeatable-read', options: { x: 1, y: 2, z: 0 }, seed: run!.seed });
  });
});

describe('plannedSpec nodes', () => {
  it('a workload variant\'s, else a database variant\'s, else the matrix\'s, else the workload\'s default', () => {
    const spec = (db: Partial<Matrix['databases'][number]>, w: Partial<Matrix['workloads'][number]>, nodes?: number) => {
      const m = matrix({ databases: [{ ...variant('postgres'), ...db }], workloads: [{ ...variant('list-append'), ...w }], nemesis: [[]], seeds: 1 });
      return plannedSpec(planMatrix(m, 1).runs[0]!, { ...m.run, ...(nodes === undefined ? {} : { nodes }) }).nodes;
    };
    expect(spec({}, {})).toBe(1); // list-append: one SQL server
    expect(spec({}, { name: 'register', label: 'register' })).toBe(5);
    expect(spec({}, { name: '2pc-bank', label: '2pc' })).toBe(3);
    expect(spec({}, {}, 4)).toBe(4);
    expect(spec({ nodes: 2 }, {}, 4)).toBe(2);
    expect(spec({ nodes: 2 }, { nodes: 7 }, 4)).toBe(7);
  });
});

describe('deriveSeed', () => {
  it('is a pure function of (session seed, run id), below 2^48', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (seed, id) => {
        const s = deriveSeed(seed, id);
        expect(s).toBe(deriveSeed(seed, id));
        expect(Number.isSafeInteger(s) && s >= 0 && s < 2 ** 48).toBe(true);
      }),
    );
  });

  it('gives different runs different seeds', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `db-w-none#${i}`);
    expect(new Set(ids.map((id) => deriveSeed(7, id))).size).toBe(2000);
  });
});

describe('shards', () => {
  it('parses K/N and rejects everything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '1/0', '2', 'a/b', '-1/2', '1/2/3']) expect(() => parseShard(bad)).toThrow('--shard must be K/N');
  });

  it('property: shards 1…N partition the runs (each run in exactly one) and differ in size by at most one', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.integer({ min: 1, max: 12 }), (total, count) => {
        const runs = Array.from({ length: total }, (_, index) => ({ index }));
        const slices = Array.from({ length: count }, (_, k) => shardRuns(runs, { index: k + 1, count }));
        expect(slices.flat().map((r) => r.index).sort((a, b) => a - b)).toEqual(runs.map((r) => r.index));
        const sizes = slices.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const r of runs) expect(slices.filter((_, k) => inShard(r.index, { index: k + 1, count })).length).toBe(1);
      }),
    );
  });

  it('spreads each database over the shards (round-robin, not blocks)', () => {
    const runs = planMatrix(matrix(), 1).runs;
    for (const k of [1, 2]) expect(new Set(shardRuns(runs, { index: k, count: 2 }).map((r) => r.db.name))).toEqual(new Set(['etcd', 'postgres']));
  });
});

describe('planMatrix limits', () => {
  it('refuses a matrix of more runs than a session can plan, before planning any', () => {
    const big = { databases: [variant('etcd'), variant('postgres')], workloads: [variant('register')], nemesis: [[], ['kill']], seeds: MAX_SEEDS, run: RUN_DEFAULTS };
    expect(() => planMatrix({ ...big, seeds: 100_000_000 }, 1)).toThrow('the matrix asks for 100000000 seeds × 4 combinations = 400000000 runs; a session plans at most 100000 runs');
    const started = performance.now();
    expect(() => planMatrix({ ...big, databases: Array.from({ length: 6 }, (_, i) => variant('etcd', `e${i}`)) }, 1)).toThrow(`= ${12 * MAX_SEEDS} runs`);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(planMatrix({ ...big, seeds: 2 }, 1).runs).toHaveLength(8);
    expect(MAX_RUNS).toBeGreaterThanOrEqual(MAX_SEEDS);
  });
});
