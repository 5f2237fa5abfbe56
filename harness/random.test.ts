import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { Random, checkSeed, randomSeed } from './random.ts';

const ints = (r: Random, n: number) => r.draw((d) => Array.from({ length: n }, () => d.int(0, 1_000_000)))[0];

describe('Random', () => {
  it('is a value: the same source draws the same numbers every time', () => {
    const r = Random.fromSeed(42);
    expect(ints(r, 20)).toEqual(ints(r, 20));
    const [a, next] = r.draw((d) => d.int(0, 9));
    expect(r.draw((d) => d.int(0, 9))[0]).toBe(a);
    expect(ints(next, 20)).not.toEqual(ints(r, 20));
  });

  it('the same seed gives the same stream; different seeds differ', () => {
    expect(ints(Random.fromSeed(7), 10)).toEqual(ints(Random.fromSeed(7), 10));
    expect(ints(Random.fromSeed(7), 10)).not.toEqual(ints(Random.fromSeed(8), 10));
    // Seeds beyond 32 bits are not truncated.
    expect(ints(Random.fromSeed(2 ** 40 + 1), 10)).not.toEqual(ints(Random.fromSeed(1), 10));
  });

  it('forks are deterministic, distinct per label, and leave the parent unchanged', () => {
    const r = Random.fromSeed(1);
    expect(ints(r.fork('worker:1'), 10)).toEqual(ints(Random.fromSeed(1).fork('worker:1'), 10));
    expect(ints(r.fork('worker:1'), 10)).not.toEqual(ints(r.fork('worker:2'), 10));
    expect(ints(r.fork('nemesis'), 10)).not.toEqual(ints(r, 10));
    expect(ints(r.fork(3), 10)).toEqual(ints(r.fork('3'), 10));
  });

  it('a stream continues where a draw would, and forks from its current state', () => {
    const r = Random.fromSeed(9);
    const s = r.stream();
    const fromStream = Array.from({ length: 5 }, () => s.int(0, 1_000_000));
    expect(fromStream).toEqual(ints(r, 5));
    expect(ints(s.fork('x'), 5)).toEqual(ints(s.fork('x'), 5));
  });

  it('draws stay in range and are roughly uniform', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 100 }), (seed, lo, span) => {
        const xs = Random.fromSeed(seed).draw((d) => Array.from({ length: 50 }, () => d.int(lo, lo + span)))[0];
        return xs.every((x) => Number.isInteger(x) && x >= lo && x <= lo + span);
      }),
    );
    const counts = [0, 0, 0, 0];
    Random.fromSeed(3).draw((d) => {
      for (let i = 0; i < 40_000; i++) counts[d.int(0, 3)]!++;
    });
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('weighted, pick, shuffle and exponential behave', () => {
    Random.fromSeed(5).draw((d) => {
      let hits = 0;
      for (let i = 0; i < 10_000; i++) if (d.weighted([1, 9]) === 1) hits++;
      expect(hits / 10_000).toBeGreaterThan(0.88);
      expect(hits / 10_000).toBeLessThan(0.92);
      expect(d.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(['a', 'b']).toContain(d.pick(['a', 'b']));
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += d.exponential(10);
      expect(sum / 20_000).toBeGreaterThan(9.5);
      expect(sum / 20_000).toBeLessThan(10.5);
      expect(() => d.pick([])).toThrow('pick from an empty list');
    });
  });

  it('seeds: fresh ones are valid, bad ones are input errors', () => {
    for (let i = 0; i < 20; i++) expect(() => checkSeed(randomSeed())).not.toThrow();
    expect(() => checkSeed(-1)).toThrow(InputError);
    expect(() => checkSeed(1.5)).toThrow('seed must be an integer from 0 to 9007199254740991; got 1.5');
    expect(() => checkSeed(2 ** 60)).toThrow(InputError);
  });
});
