import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { uniqueIdsChecker } from './unique-ids.ts';

const check = (b: HistoryBuilder) => uniqueIdsChecker.check(b.build(), {}) as CheckResult;

describe('unique-ids', () => {
  it('accepts distinct ids and reports their range', () => {
    const r = check(new HistoryBuilder().op(0, 'generate', null, 'ok', 3).op(1, 'generate', null, 'ok', 1).op(0, 'generate', null, 'info'));
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ attemptedCount: 3, acknowledgedCount: 2, duplicatedCount: 0, range: [1, 3] });
  });

  it('flags an id returned twice', () => {
    const r = check(new HistoryBuilder().op(0, 'generate', null, 'ok', 7).op(1, 'generate', null, 'ok', 7));
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => a.text)).toEqual(['id 7 was generated 2 times (ops 1, 3)']);
  });

  it('is valid (as in Jepsen) but vacuous when nothing was generated', () => {
    expect(check(new HistoryBuilder().op(0, 'generate', null, 'fail'))).toMatchObject({ valid: true, vacuous: true });
  });
});
