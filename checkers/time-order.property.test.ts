import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../harness/history/op.ts';
import { simulate } from '../test/support/simulated-store.ts';
import { checkSafe } from './check-safe.ts';
import { getChecker } from './registry.ts';

/**
 * A permutation of `:time` values never changes a verdict: checkers order ops by their position
 * in the history, and time is data (older Jepsen tests took it on different threads). The
 * importers' test (test/time-is-data.property.test.ts) covers linearizable and list-append
 * through the readers; this covers every other checker whose input has an order, on the
 * checkers directly. Only set-full reads time, for its latency figures, which are not compared.
 */

const permutation = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

async function outcome(checker: string, ops: Op[], options: Record<string, unknown> = {}) {
  try {
    const r = await checkSafe(getChecker(checker)!, ops, options);
    return { valid: r.valid, anomalies: r.anomalies.map((a) => [a.type, a.ops]), vacuous: r.vacuous ?? false };
  } catch (err) {
    return { refused: (err as Error).message };
  }
}

/** Random client ops of the given kinds, each process with one op in flight, completions at random. */
function randomOps(kinds: readonly ((rand: () => number) => [f: string, invoke: unknown, complete: unknown])[]) {
  return fc
    .array(fc.record({ kind: fc.nat(kinds.length - 1), outcome: fc.constantFrom('ok', 'ok', 'ok', 'info', 'fail'), gap: fc.nat(3), seed: fc.nat() }), { minLength: 1, maxLength: 14 })
    .map((specs) => {
      const ops: Op[] = [];
      const open: { p: number; f: string; v: unknown; type: string }[] = [];
      specs.forEach((s, p) => {
        let x = s.seed;
        const rand = () => ((x = (x * 1103515245 + 12345) >>> 0) % 1000) / 1000;
        const [f, inv, done] = kinds[s.kind]!(rand);
        ops.push({ index: ops.length, time: 0, type: 'invoke', process: p, f, value: inv });
        open.push({ p, f, v: s.outcome === 'ok' ? done : inv, type: s.outcome });
        // Complete some of those in flight, oldest first.
        for (let g = s.gap; g > 0 && open.length > 0; g--) {
          const c = open.shift()!;
          ops.push({ index: ops.length, time: 0, type: c.type as Op['type'], process: c.p, f: c.f, value: c.v });
        }
      });
      for (const c of open) ops.push({ index: ops.length, time: 0, type: c.type as Op['type'], process: c.p, f: c.f, value: c.v });
      return ops.map((o, i) => ({ ...o, time: 1_000_000 * i }));
    });
}

const pick = <T>(rand: () => number, xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
const subset = (rand: () => number) => [1, 2, 3, 4].filter(() => rand() < 0.5);

const CASES: Record<string, ReturnType<typeof randomOps>> = {
  counter: randomOps([(r) => ['add', pick(r, [1, 2, 3]), undefined], (r) => ['read', null, Math.floor(r() * 8)]]),
  set: randomOps([(r) => ['add', pick(r, [1, 2, 3, 4]), undefined], (r) => ['read', null, subset(r)]]),
  'set-full': randomOps([(r) => ['add', pick(r, [1, 2, 3, 4]), undefined], (r) => ['read', null, subset(r)]]),
  'unique-ids': randomOps([(r) => ['generate', null, pick(r, [1, 2, 3, 4, 5, 6])]]),
  'total-queue': randomOps([(r) => ['enqueue', pick(r, [1, 2, 3]), undefined], (r) => ['dequeue', null, pick(r, [null, 1, 2, 3])]]),
  bank: randomOps([
    (r) => ['transfer', { from: 'a', to: 'b', amount: pick(r, [1, 2]) }, undefined],
    (r) => {
      const a = Math.floor(r() * 12) - 1;
      return ['read', null, { a, b: pick(r, [10 - a, 10 - a, 9 - a]) }];
    },
  ]),
};

describe('a permutation of :time values never changes a verdict', () => {
  it.each(Object.entries(CASES))('%s on random histories', async (checker, arb) => {
    const seen = new Set<unknown>();
    await fc.assert(
      fc.asyncProperty(arb, fc.nat(), async (ops, s) => {
        const order = fc.sample(permutation(ops.length), { seed: s, numRuns: 1 })[0]!;
        const shuffled = ops.map((o, i) => ({ ...o, time: ops[order[i]!]!.time }));
        const before = await outcome(checker, ops, checker === 'bank' ? { totalAmount: 10 } : {});
        seen.add('refused' in before ? 'refused' : before.valid);
        expect(await outcome(checker, shuffled, checker === 'bank' ? { totalAmount: 10 } : {})).toEqual(before);
      }),
      { numRuns: 200, seed: 11 },
    );
    // Both verdicts occur, so the comparison is not between constants.
    expect(seen.has(false)).toBe(true);
  });

  it.each([
    ['rw-register', 'rw-register', { consistencyModel: 'strict-serializable' }],
    ['rw-register', 'rw-register', { consistencyModel: 'serializable', sequentialKeys: true, linearizableKeys: true }],
    ['session', 'list-append', {}],
  ] as const)('%s on simulated store histories (%s)', async (checker, workload, options) => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom('strict-serializable', 'snapshot-isolation') as fc.Arbitrary<'strict-serializable' | 'snapshot-isolation'>, async (seed, isolation) => {
        const { history } = simulate({ seed, txns: 40, isolation, processes: 5, workload, crashRate: 0.1 });
        const ops = history.map((o, i) => ({ ...o, time: 1000 * i }));
        const order = fc.sample(permutation(ops.length), { seed, numRuns: 1 })[0]!;
        const shuffled = ops.map((o, i) => ({ ...o, time: ops[order[i]!]!.time }));
        expect(await outcome(checker, shuffled, options)).toEqual(await outcome(checker, ops, options));
      }),
      { numRuns: 30, seed: 3 },
    );
  });
});
