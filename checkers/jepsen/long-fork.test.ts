import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { longForkChecker } from './long-fork.ts';

const check = (b: HistoryBuilder, options = {}) => longForkChecker.check(b.build(), options) as CheckResult;
const read = (x: unknown, y: unknown) => [['r', 'x', x], ['r', 'y', y]];

describe('long-fork', () => {
  it('accepts reads that agree on the order of writes', () => {
    const b = new HistoryBuilder()
      .txn(0, [['w', 'x', 1]])
      .txn(2, read(null, null))
      .txn(2, read(1, null))
      .txn(1, [['w', 'y', 1]])
      .txn(3, read(1, 1));
    const r = check(b, { groupSize: 2 });
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ readCount: 3, groups: 1, writeCount: 2 });
  });

  it('flags two reads that each saw a write the other did not', () => {
    const b = new HistoryBuilder().txn(0, [['w', 'x', 1]]).txn(1, [['w', 'y', 1]]).txn(2, read(1, null)).txn(3, read(null, 1));
    const r = check(b);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['long-fork']);
    expect(r.anomalies[0]!.text).toBe('op 5 saw the write of x but not of y, while op 7 saw the reverse: they disagree on the order of those writes (long fork)');
  });

  it('is unknown when a key is written twice or a read has the wrong group size', () => {
    expect(check(new HistoryBuilder().txn(0, [['w', 'x', 1]]).txn(1, [['w', 'x', 2]])).valid).toBe('unknown');
    expect(check(new HistoryBuilder().txn(2, read(null, null)), { groupSize: 3 }).valid).toBe('unknown');
  });
});
