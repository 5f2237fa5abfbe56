import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressedTimeAxis, GAP_PX } from './time-axis.ts';

describe('compressedTimeAxis', () => {
  it('keeps a busy stretch proportional and squeezes long idle gaps', () => {
    const ms = 1e6;
    const axis = compressedTimeAxis([[0, 2 * ms], [1 * ms, 3 * ms], [1000 * ms, 1002 * ms]], 0, 1000);
    expect(axis.gaps).toHaveLength(1);
    expect(axis.gaps[0]!.x1 - axis.gaps[0]!.x0).toBe(GAP_PX);
    // Two busy stretches of 3 ms and 2 ms share the width about 3 : 2.
    const first = axis.x(3 * ms) - axis.x(0);
    const second = axis.x(1002 * ms) - axis.x(1000 * ms);
    expect(first / second).toBeCloseTo(1.5, 1);
    expect(second).toBeGreaterThan(300);
  });

  it('leaves a history with no long gap alone', () => {
    const axis = compressedTimeAxis([[0, 10], [5, 20], [18, 30]], 100, 400);
    expect(axis.gaps).toEqual([]);
    expect(axis.x(15) - axis.x(0)).toBeCloseTo(axis.x(30) - axis.x(15), 6);
  });

  it('maps times in order, inside the range (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1e9), fc.nat(1e7)), { minLength: 1, maxLength: 40 }), (raw) => {
        const intervals = raw.map(([a, d]) => [a, a + d] as const);
        const axis = compressedTimeAxis(intervals, 50, 950);
        const times = intervals.flat().sort((a, b) => a - b);
        const xs = times.map(axis.x);
        for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]! - 1e-6);
        for (const v of xs) {
          expect(v).toBeGreaterThanOrEqual(50 - 1e-6);
          expect(v).toBeLessThanOrEqual(950 + 1e-6);
        }
      }),
    );
  });
});
