import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getChecker } from '../checkers/registry.ts';
import { simulateRegister } from '../checkers/linearizable/simulate-register.ts';
import type { CheckResult } from '../harness/result.ts';
import { opToJsonLine } from '../harness/history/jsonl.ts';
import type { Op } from '../harness/history/op.ts';
import { parseHistoryText } from '../harness/importers/read-history.ts';
import { simulate } from './support/simulated-store.ts';

/**
 * Position in the file is the order; `:time` is data. So shuffling the time values among the
 * ops of a history (older Jepsen tests took time on different threads, and their histories
 * have it out of order) must leave every verdict as it was. This runs the importer and the
 * checkers whose verdicts could depend on order (realtime edges, linearization) end to end.
 */
const params = { seed: 7, numRuns: 40 };

const shuffleTimes = (ops: Op[], order: number[]): Op[] => ops.map((o, i) => ({ ...o, time: ops[order[i]!]!.time }));
const permutation = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });
const verdict = (r: CheckResult) => ({ valid: r.valid, anomalies: [...(r.anomalyTypes ?? [])].sort() });

async function check(checker: string, ops: Op[], options: Record<string, unknown> = {}): Promise<ReturnType<typeof verdict>> {
  // Through the importer, as `faultline check` reads a file.
  const history = parseHistoryText(ops.map(opToJsonLine).join('\n'), 'h.jsonl');
  return verdict(await getChecker(checker)!.check(history, options));
}

/** A read in a register history that returns a value now and then no write wrote (so some are invalid). */
function corrupt(ops: Op[], at: number): Op[] {
  const reads = ops.filter((o) => o.type === 'ok' && o.f === 'read');
  if (reads.length === 0) return ops;
  const target = reads[at % reads.length]!;
  return ops.map((o) => (o === target ? { ...o, value: 9 } : o));
}

describe('a permutation of :time values never changes a verdict', () => {
  it('linearizable (cas-register), valid and invalid histories', async () => {
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.boolean(), fc.nat(), async (seed, bad, at) => {
        const clean = simulateRegister({ ops: 25, processes: 4, values: 3, crashRate: 0.1, seed }).map((o, i) => ({ ...o, time: 1000 * i }));
        const ops = bad ? corrupt(clean, at) : clean;
        const order = fc.sample(permutation(ops.length), { seed, numRuns: 1 })[0]!;
        const before = await check('linearizable', ops);
        if (before.valid === false) invalid++;
        expect(await check('linearizable', shuffleTimes(ops, order))).toEqual(before);
      }),
      params,
    );
    expect(invalid).toBeGreaterThan(0);
  });

  it.each(['strict-serializable', 'serializable', 'snapshot-isolation'])('list-append under %s, from strict-serializable and snapshot-isolation stores', async (model) => {
    const seen = new Set<unknown>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom('strict-serializable', 'snapshot-isolation') as fc.Arbitrary<'strict-serializable' | 'snapshot-isolation'>, async (seed, isolation) => {
        const { history } = simulate({ seed, txns: 40, isolation, processes: 5 });
        const ops = history.map((o, i) => ({ ...o, time: 1000 * i }));
        const order = fc.sample(permutation(ops.length), { seed, numRuns: 1 })[0]!;
        const before = await check('list-append', ops, { consistencyModel: model });
        seen.add(before.valid);
        expect(await check('list-append', shuffleTimes(ops, order), { consistencyModel: model })).toEqual(before);
      }),
      { ...params, numRuns: 30 },
    );
    if (model === 'strict-serializable') expect(seen).toContain(false);
  });
});
