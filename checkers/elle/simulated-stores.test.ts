import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../test/support/simulated-store.ts';
import type { CheckResult } from '../../harness/result.ts';
import { listAppendChecker } from './list-append-checker.ts';
import { rwRegisterChecker } from './rw-register-checker.ts';

const run = fc.record({
  seed: fc.integer(),
  txns: fc.integer({ min: 60, max: 400 }),
  processes: fc.integer({ min: 1, max: 10 }),
  activeKeys: fc.integer({ min: 1, max: 6 }),
  maxTxnLength: fc.integer({ min: 1, max: 5 }),
  failRate: fc.constantFrom(0, 0.05, 0.2),
  crashRate: fc.constantFrom(0, 0.05, 0.2),
  finalReads: fc.boolean(),
});

/** What snapshot isolation allows that serializability does not. */
const SI_ALLOWED = new Set(['G2-item', 'write-skew']);

describe('histories from a simulated strict-serializable store', () => {
  it('list-append: valid under strict-serializable, with failed and crashed transactions', () => {
    fc.assert(
      fc.property(run, (o) => {
        const { history } = simulate({ ...o, isolation: 'strict-serializable' });
        const r = listAppendChecker.check(history, { consistencyModel: 'strict-serializable' }) as CheckResult;
        expect(r.anomalies).toEqual([]);
        expect(r.valid).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('rw-register: valid under strict-serializable, even inferring versions from process and realtime order', () => {
    fc.assert(
      fc.property(run, (o) => {
        const { history } = simulate({ ...o, isolation: 'strict-serializable', workload: 'rw-register' });
        const r = rwRegisterChecker.check(history, { consistencyModel: 'strict-serializable', sequentialKeys: true, linearizableKeys: true }) as CheckResult;
        expect(r.anomalies).toEqual([]);
        expect(r.valid).toBe(true);
        expect(r.details?.allowedAnomalyTypes).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('histories from a simulated snapshot-isolation store', () => {
  it('list-append: shows G2-item whenever the store let write skew happen, and nothing SI forbids', () => {
    let skewRuns = 0;
    fc.assert(
      fc.property(run, (o) => {
        const sim = simulate({ ...o, isolation: 'snapshot-isolation', finalReads: true, countWriteSkews: true });
        const ser = listAppendChecker.check(sim.history, { consistencyModel: 'serializable' }) as CheckResult;
        for (const t of ser.anomalyTypes) expect(SI_ALLOWED).toContain(t);
        if (sim.writeSkews > 0) {
          skewRuns++;
          expect(ser.anomalyTypes).toContain('G2-item');
          expect(ser.valid).toBe(false);
        }
        expectValidUnderSnapshotIsolation(listAppendChecker.check(sim.history, { consistencyModel: 'snapshot-isolation' }) as CheckResult);
        // The store takes its snapshot when a transaction starts, so it is even strong SI.
        expectValidUnderSnapshotIsolation(listAppendChecker.check(sim.history, { consistencyModel: 'strong-snapshot-isolation' }) as CheckResult);
      }),
      // Fixed seed: how many runs show write skew is chance (23 of 60 with this seed).
      { numRuns: 60, seed: 42 },
    );
    // The property above is only interesting if write skew happened in some runs.
    expect(skewRuns).toBeGreaterThan(5);
  });

  it('rw-register: shows nothing SI forbids (registers reveal too little of the version order to catch every write skew)', () => {
    let g2 = 0;
    fc.assert(
      fc.property(run, (o) => {
        const sim = simulate({ ...o, isolation: 'snapshot-isolation', workload: 'rw-register' });
        const ser = rwRegisterChecker.check(sim.history, { consistencyModel: 'serializable' }) as CheckResult;
        for (const t of ser.anomalyTypes) expect(SI_ALLOWED).toContain(t);
        if (ser.anomalyTypes.includes('G2-item')) g2++;
        expectValidUnderSnapshotIsolation(rwRegisterChecker.check(sim.history, { consistencyModel: 'strong-snapshot-isolation', linearizableKeys: true }) as CheckResult);
      }),
      // Fixed seed: G2 shows in ~7% of random runs (6 of 60 with this seed), so an unseeded
      // "at least one" failed about once in 70 runs of the suite.
      { numRuns: 60, seed: 42 },
    );
    expect(g2).toBeGreaterThan(0);
  });
});

function expectValidUnderSnapshotIsolation(r: CheckResult): void {
  expect(r.anomalies).toEqual([]);
  expect(r.valid).toBe(true);
}
