import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EdgeKind } from '../explanations.ts';
import { BASE_CLASSES, classifyCycle, cycleClass, shortestCycle, type SearchBudget } from './cycle-search.ts';
import { DATA_RELS, DepGraphBuilder, REL_KINDS, Rel } from './graph.ts';

const unlimited = (): SearchBudget => ({ deadline: Infinity, workPerSearch: Infinity, timedOut: false });

describe('dependency graph', () => {
  it('unions the relations linked between the same two transactions', () => {
    const b = new DepGraphBuilder(3, 2);
    b.link(0, 1, Rel.ww);
    b.link(0, 1, Rel.realtime);
    b.link(0, 2, Rel.rw);
    b.link(0, 1, Rel.ww);
    b.link(1, 1, Rel.wr);
    const g = b.freeze();
    expect(g.edgeCount).toBe(2);
    expect(g.rel(0, 1)).toBe(Rel.ww | Rel.realtime);
    expect(g.rel(0, 2)).toBe(Rel.rw);
    expect(g.rel(1, 1)).toBe(0);
    expect(g.relCounts()).toEqual({ ww: 1, wr: 0, rw: 1, process: 0, realtime: 1 });
  });

  it('finds strongly connected components on chains far longer than the call stack', () => {
    const n = 300_000;
    const b = new DepGraphBuilder(n);
    for (let i = 0; i + 1 < n; i++) b.link(i, i + 1, Rel.realtime);
    b.link(n - 1, n - 10, Rel.rw);
    b.link(5, 3, Rel.ww);
    const sccs = b.freeze().components(null);
    expect(sccs.map((c) => Array.from(c))).toEqual([[3, 4, 5], Array.from({ length: 10 }, (_, i) => n - 10 + i)].sort((a, c) => c[0]! - a[0]!));
  });

  it('restricts components to some relations and to a subset', () => {
    const b = new DepGraphBuilder(4);
    b.link(0, 1, Rel.ww);
    b.link(1, 0, Rel.rw);
    b.link(1, 2, Rel.wr);
    b.link(2, 1, Rel.wr);
    const g = b.freeze();
    expect(g.components(null).map((c) => Array.from(c))).toEqual([[0, 1, 2]]);
    expect(g.components(null, Rel.ww | Rel.wr).map((c) => Array.from(c))).toEqual([[1, 2]]);
    expect(g.components([0, 1], DATA_RELS).map((c) => Array.from(c))).toEqual([[0, 1]]);
  });
});

/**
 * The name Elle gives a cycle, from the definitions (Adya's G0, G1c, G-single, G2; Elle's
 * G-nonadjacent and -process / -realtime variants), written here independently of
 * classifyCycle: the ring as a string, one letter per edge (w = ww, r = wr, a = rw
 * anti-dependency, p = process, t = realtime), judged by counting and by pattern.
 */
function elleName(kinds: readonly EdgeKind[]): string {
  const ring = kinds.map((k) => ({ ww: 'w', wr: 'r', rw: 'a', process: 'p', realtime: 't' })[k]).join('');
  const antis = ring.split('a').length - 1;
  // Two anti-dependencies in a row, going round the ring (so the last edge meets the first).
  const adjacent = (ring + ring[0]).includes('aa');
  let base: string;
  if (antis === 0) base = ring.includes('r') ? 'G1c' : 'G0';
  else if (antis === 1) base = 'G-single';
  else base = adjacent ? 'G2-item' : 'G-nonadjacent';
  return base + (ring.includes('t') ? '-realtime' : ring.includes('p') ? '-process' : '');
}

describe('cycle names', () => {
  it.each([
    [['ww', 'ww'], 'G0'],
    [['ww', 'wr'], 'G1c'],
    [['wr', 'wr', 'wr'], 'G1c'],
    [['rw', 'ww'], 'G-single'],
    [['rw', 'wr', 'ww'], 'G-single'],
    [['rw', 'rw'], 'G2-item'],
    [['rw', 'ww', 'rw', 'wr'], 'G-nonadjacent'],
    [['rw', 'wr', 'wr', 'rw'], 'G2-item'], // the last edge meets the first
    [['ww', 'process'], 'G0-process'],
    [['wr', 'realtime', 'process'], 'G1c-realtime'],
    [['rw', 'realtime'], 'G-single-realtime'],
    [['rw', 'process', 'rw', 'process'], 'G-nonadjacent-process'],
  ] as [EdgeKind[], string][])('%j is %s (by hand, from the definitions)', (kinds, name) => {
    expect(classifyCycle(kinds)).toBe(name);
    expect(elleName(kinds)).toBe(name);
  });
});

describe('cycle classes', () => {
  const label = fc.constantFrom<EdgeKind>(...REL_KINDS);

  it('each class\'s search accepts a ring exactly when Elle would name the ring that class', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 7 }), (kinds) => {
        const n = kinds.length;
        const b = new DepGraphBuilder(n);
        kinds.forEach((k, i) => b.link(i, (i + 1) % n, Rel[k]));
        const g = b.freeze();
        const ring = Array.from({ length: n }, (_, i) => i);
        // Process and realtime order never form a cycle on their own.
        const expected = kinds.some((k) => k === 'ww' || k === 'wr' || k === 'rw') ? elleName(kinds) : undefined;
        for (const variant of ['', 'process', 'realtime'] as const) {
          for (const base of BASE_CLASSES) {
            const cls = cycleClass(base, variant);
            const found = shortestCycle(g, ring, cls, unlimited()).cycle;
            expect(found !== undefined, `${cls.type} on ${kinds.join(',')}`).toBe(cls.type === expected);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('finds the shortest cycle of a class, and says which relation each step used', () => {
    // 0 -rw-> 1 -rw-> 0 (G2-item of two) and 0 -rw-> 1 -ww-> 2 -wr-> 0 (G-single).
    const b = new DepGraphBuilder(3);
    b.link(0, 1, Rel.rw);
    b.link(1, 0, Rel.rw);
    b.link(1, 2, Rel.ww);
    b.link(2, 0, Rel.wr);
    const g = b.freeze();
    expect(shortestCycle(g, [0, 1, 2], cycleClass('G2-item', ''), unlimited()).cycle).toEqual({ nodes: [0, 1], kinds: ['rw', 'rw'] });
    expect(shortestCycle(g, [0, 1, 2], cycleClass('G-single', ''), unlimited()).cycle).toEqual({ nodes: [0, 1, 2], kinds: ['rw', 'ww', 'wr'] });
    expect(shortestCycle(g, [0, 1, 2], cycleClass('G0', ''), unlimited()).cycle).toBeUndefined();
  });

  it('stops at its work limit and says the answer is not exhaustive', () => {
    const n = 2000;
    const b = new DepGraphBuilder(n);
    for (let i = 0; i < n; i++) b.link(i, (i + 1) % n, Rel.ww);
    const g = b.freeze();
    const ring = Array.from({ length: n }, (_, i) => i);
    const limited = shortestCycle(g, ring, cycleClass('G0', ''), { deadline: Infinity, workPerSearch: 100, timedOut: false });
    expect(limited).toEqual({ cycle: undefined, exhaustive: false });
    expect(shortestCycle(g, ring, cycleClass('G0', ''), unlimited()).cycle?.nodes.length).toBe(n);
  });
});
