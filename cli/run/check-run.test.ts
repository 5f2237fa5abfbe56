import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { countOps } from '../../harness/store/run-result.ts';
import { runCheckers } from './check-run.ts';

const h: Op[] = [
  { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1, key: 1 },
  { index: 1, time: 1, type: 'info', process: 'nemesis', f: 'start', value: null },
  { index: 2, time: 2, type: 'ok', process: 0, f: 'write', value: 1, key: 1 },
  { index: 3, time: 3, type: 'invoke', process: 1, f: 'read', value: null, key: 1 },
  { index: 4, time: 4, type: 'info', process: 'nemesis', f: 'start', value: ['n1'] },
];

describe('runCheckers', () => {
  it('a checker missing from the build is skipped when optional, unknown when required', async () => {
    const done: Op[] = [...h, { index: 5, time: 5, type: 'ok', process: 1, f: 'read', value: 1, key: 1 }];
    const { composed, skipped } = await runCheckers(done, [{ name: 'stats' }, { name: 'no-such', optional: true }, { name: 'also-missing' }]);
    expect(skipped).toEqual([{ checker: 'no-such', reason: 'the no-such checker is not available in this build' }]);
    expect(composed.checkers['also-missing']).toMatchObject({ valid: 'unknown', error: 'the also-missing checker is not available in this build' });
    expect(composed.checkers.stats!.valid).toBe(true);
    expect(composed.valid).toBe('unknown');
  });

  it('counts client outcomes, unfinished ops and nemesis operations', () => {
    expect(countOps(h)).toEqual({ invoked: 2, ok: 1, fail: 0, info: 0, pending: 1, nemesis: 1 });
  });
});
