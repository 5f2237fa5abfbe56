import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../harness/random.ts';
import { majorityOf, SELECTORS, selectNodes } from './select.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

describe('node selectors', () => {
  it('pick the right number of distinct, real, non-empty nodes for every cluster size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.constantFrom(...SELECTORS), fc.integer({ min: 0, max: 2 ** 31 }), (n, selector, seed) => {
        const nodes = names(n);
        const { nodes: picked } = selectNodes(selector, nodes, Random.fromSeed(seed).stream(), ['n1']);
        expect(picked.length).toBeGreaterThanOrEqual(1);
        expect(new Set(picked).size).toBe(picked.length);
        for (const p of picked) expect(nodes).toContain(p);
        const expected = { one: 1, minority: Math.max(1, Math.floor((n - 1) / 2)), majority: Math.min(n, majorityOf(n)), all: n, primaries: 1 }[selector as string];
        if (expected !== undefined) expect(picked.length).toBe(expected);
        if (selector === 'minority' && n >= 3) expect(picked.length).toBeLessThan(n / 2);
        if (selector === 'majority') expect(picked.length).toBeGreaterThan(n / 2);
      }),
    );
  });

  it('are determined by the seed', () => {
    for (const s of SELECTORS) {
      const a = Array.from({ length: 5 }, (_, i) => selectNodes(s, names(5), Random.fromSeed(i).stream(), ['n3']).nodes);
      const b = Array.from({ length: 5 }, (_, i) => selectNodes(s, names(5), Random.fromSeed(i).stream(), ['n3']).nodes);
      expect(a).toEqual(b);
    }
    const one = new Set(Array.from({ length: 40 }, (_, i) => selectNodes('one', names(5), Random.fromSeed(i).stream()).nodes[0]));
    expect(one.size).toBe(5);
    const random = new Set(Array.from({ length: 60 }, (_, i) => selectNodes('random', names(5), Random.fromSeed(i).stream()).nodes.length));
    expect([...random].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('primaries: the leaders, or one random node with a note when nobody leads', () => {
    expect(selectNodes('primaries', names(5), Random.fromSeed(1).stream(), ['n4', 'n2', 'n9'])).toEqual({ nodes: ['n2', 'n4'] });
    const none = selectNodes('primaries', names(5), Random.fromSeed(1).stream(), []);
    expect(none.nodes).toHaveLength(1);
    expect(none.note).toBe('no node said it leads, so one random node was picked instead');
  });

  it('sort n2 before n10', () => {
    expect(selectNodes('all', ['n10', 'n2', 'n1'], Random.fromSeed(1).stream()).nodes).toEqual(['n1', 'n2', 'n10']);
  });
});
