import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { totalQueueChecker } from './total-queue.ts';

const check = (b: HistoryBuilder) => totalQueueChecker.check(b.build(), {}) as CheckResult;

describe('total-queue', () => {
  it('accepts a drained queue, counting recovered and duplicated values', () => {
    const r = check(
      new HistoryBuilder()
        .op(0, 'enqueue', 1)
        .op(0, 'enqueue', 2, 'info')
        .op(1, 'dequeue', null, 'ok', 1)
        .op(1, 'dequeue', null, 'ok', 1)
        .op(1, 'drain', null, 'ok', [2])
        .op(1, 'dequeue', null, 'ok', null),
    );
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ attemptCount: 2, acknowledgedCount: 1, okCount: 2, duplicatedCount: 1, recoveredCount: 1, lostCount: 0 });
  });

  it('flags lost and unexpected values', () => {
    const r = check(new HistoryBuilder().op(0, 'enqueue', 1).op(1, 'dequeue', null, 'ok', 9));
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['lost-element', 'unexpected-element']);
  });

  it('is unknown after a drain that never completed', () => {
    expect(check(new HistoryBuilder().op(0, 'enqueue', 1).op(1, 'drain', null, 'info')).valid).toBe('unknown');
  });
});
