import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../harness/random.ts';
import { bridge, completeGrudge, describePlan, majoritiesRing, MIN_NODES, planPartition, TOPOLOGIES, type Grudge, type Topology } from './grudge.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const draw = (seed: number) => Random.fromSeed(seed).stream();
/** Who `node` can hear from (itself included). */
const hears = (g: Grudge, nodes: string[], node: string) => nodes.filter((o) => !(g[node] ?? []).includes(o));
const symmetric = (g: Grudge) => Object.entries(g).every(([a, drops]) => drops.every((b) => (g[b] ?? []).includes(a)));

describe('partition topologies', () => {
  it('complete grudge: each node drops exactly the nodes outside its component', () => {
    expect(completeGrudge([['n1', 'n2'], ['n3', 'n4', 'n5']])).toEqual({ n1: ['n3', 'n4', 'n5'], n2: ['n3', 'n4', 'n5'], n3: ['n1', 'n2'], n4: ['n1', 'n2'], n5: ['n1', 'n2'] });
  });

  it('majorities-ring: every node hears a majority, no two hear the same one (n = 3…11)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 11 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        const nodes = names(n);
        const g = majoritiesRing(draw(seed).shuffle(nodes));
        const views = nodes.map((x) => hears(g, nodes, x).join(','));
        for (const x of nodes) expect(hears(g, nodes, x).length).toBeGreaterThan(n / 2);
        for (const x of nodes) expect(hears(g, nodes, x)).toContain(x);
        expect(new Set(views).size).toBe(n);
        // Every node is cut from someone: it is a partition, not a no-op.
        for (const x of nodes) expect(hears(g, nodes, x).length).toBeLessThan(n);
        // Symmetric wherever a symmetric ring exists (all but three nodes).
        if (n !== 3) expect(symmetric(g)).toBe(true);
      }),
    );
  });

  it('majorities-ring on five nodes is Jepsen\'s shape: each hears itself and its two ring neighbours', () => {
    const g = majoritiesRing(['a', 'b', 'c', 'd', 'e']);
    expect(g).toEqual({ a: ['c', 'd'], b: ['d', 'e'], c: ['a', 'e'], d: ['a', 'b'], e: ['b', 'c'] });
  });

  it('bridge: two halves that cannot talk, and one node that talks to everyone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 11 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        const nodes = names(n);
        const b = bridge(draw(seed).shuffle(nodes));
        expect(b.grudge[b.bridge]).toBeUndefined();
        expect(hears(b.grudge, nodes, b.bridge)).toEqual(nodes);
        expect([...b.left, b.bridge, ...b.right].sort()).toEqual([...nodes].sort());
        expect(b.left.length).toBeGreaterThanOrEqual(1);
        expect(b.right.length - b.left.length).toBeLessThanOrEqual(1);
        for (const l of b.left) for (const r of b.right) {
          expect(b.grudge[l]).toContain(r);
          expect(b.grudge[r]).toContain(l);
        }
        for (const l of b.left) expect(hears(b.grudge, nodes, l)).toEqual([...b.left, b.bridge].sort((x, y) => x.localeCompare(y, 'en', { numeric: true })));
      }),
    );
  });

  it('one isolates a single node; majority cuts a minority from a majority', () => {
    const nodes = names(5);
    const one = planPartition('one', nodes, draw(1));
    expect(one.components!.map((c) => c.length)).toEqual([1, 4]);
    expect(Object.keys(one.grudge)).toHaveLength(5);
    const maj = planPartition('majority', nodes, draw(1));
    expect(maj.components!.map((c) => c.length)).toEqual([2, 3]);
    expect(symmetric(maj.grudge)).toBe(true);
  });

  it('primaries isolates the leaders, and says so when nobody leads', () => {
    const nodes = names(5);
    expect(planPartition('primaries', nodes, draw(1), ['n4'])).toMatchObject({ topology: 'primaries', components: [['n4'], ['n1', 'n2', 'n3', 'n5']] });
    const none = planPartition('primaries', nodes, draw(1), []);
    expect(none.components![0]).toHaveLength(1);
    expect(none.note).toMatch(/^no node said it leads, so one random node \(n\d\) was isolated instead$/);
  });

  it('one-way: only one side drops what the other sends', () => {
    for (let seed = 0; seed < 20; seed++) {
      const p = planPartition('one-way', names(5), draw(seed));
      expect(symmetric(p.grudge)).toBe(false);
      expect([...p.from!, ...p.to!].sort()).toEqual(names(5));
      for (const t of p.to!) expect(p.grudge[t]).toEqual(p.from);
      for (const f of p.from!) expect(p.grudge[f]).toBeUndefined();
    }
  });

  it('the same seed gives the same partition; other seeds give others', () => {
    for (const t of TOPOLOGIES) {
      expect(planPartition(t, names(7), draw(42), ['n2'])).toEqual(planPartition(t, names(7), draw(42), ['n2']));
    }
    const seen = new Set(Array.from({ length: 30 }, (_, s) => JSON.stringify(planPartition('majority', names(5), draw(s)).grudge)));
    expect(seen.size).toBeGreaterThan(5);
  });

  it('refuses clusters too small for the topology', () => {
    for (const t of Object.keys(MIN_NODES) as Topology[]) {
      expect(() => planPartition(t, names(MIN_NODES[t] - 1), draw(1))).toThrow(`the ${t} partition needs at least ${MIN_NODES[t]} nodes`);
    }
  });

  it('describes plans for log lines', () => {
    expect(describePlan({ topology: 'majority', grudge: {}, components: [['n1', 'n2'], ['n3', 'n4', 'n5']] })).toBe('n1 n2 | n3 n4 n5');
    expect(describePlan({ topology: 'one-way', grudge: {}, from: ['n1'], to: ['n2', 'n3'] })).toBe('n1 ⇸ n2 n3 (one-way)');
  });
});
