import { describe, expect, it } from 'vitest';
import type { Op } from '../harness/history/op.ts';
import { convergedChecker } from './converged.ts';
import { FINAL_READ } from './conventions.ts';
import type { CheckResult } from '../harness/result.ts';

/** Final reads as [process, node, key, outcome, value]; each invoked and completed in turn. */
function history(reads: [number, string, number, 'ok' | 'fail' | 'info', unknown][], before: Op[] = []): Op[] {
  const ops: Op[] = [...before];
  for (const [process, node, key, type, value] of reads) {
    ops.push({ index: ops.length, time: ops.length, type: 'invoke', process, f: 'read', value: FINAL_READ, key, node });
    ops.push({ index: ops.length, time: ops.length, type, process, f: 'read', value: type === 'ok' ? value : FINAL_READ, key, node });
  }
  return ops;
}

const check = (h: Op[]) => convergedChecker.check(h, {}) as CheckResult;

describe('converged checker', () => {
  it('passes when every node read the same value of every key', () => {
    const r = check(history([[0, 'n1', 1, 'ok', 3], [1, 'n2', 1, 'ok', 3], [0, 'n1', 2, 'ok', null], [1, 'n2', 2, 'ok', null]]));
    expect(r).toMatchObject({ valid: true, anomalies: [], details: { finalReads: 4, keys: 2, nodes: ['n1', 'n2'], unanswered: [] } });
  });

  it('a node that disagrees after recovery is an anomaly, named with every node and value', () => {
    const r = check(history([[0, 'n1', 7, 'ok', 4], [1, 'n2', 7, 'ok', 4], [2, 'n3', 7, 'ok', 2], [0, 'n1', 8, 'ok', 1], [2, 'n3', 8, 'ok', 1]]));
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['diverged']);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ type: 'diverged', key: 7, ops: [1, 3, 5], text: 'key 7: after recovery the nodes disagree: n1, n2 read 4; n3 read 2' });
  });

  it('a node that answered no final read leaves convergence unverified: unknown, never a pass', () => {
    const r = check(history([[0, 'n1', 1, 'ok', 3], [1, 'n2', 1, 'fail', null], [1, 'n2', 1, 'info', null]]));
    expect(r.valid).toBe('unknown');
    expect(r.error).toBe('n2 answered no final read of 1 of 1 keys, so convergence is unverified there');
  });

  it('ignores ordinary reads, and says when there are no final reads at all', () => {
    const plain: Op[] = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'read', value: null, key: 1, node: 'n1' },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'read', value: 9, key: 1, node: 'n1' },
    ];
    expect(check(plain)).toMatchObject({ valid: 'unknown', error: expect.stringMatching(/^the history has no final reads/) });
    expect(check(history([[0, 'n1', 1, 'ok', 3], [1, 'n2', 1, 'ok', 3]], plain)).valid).toBe(true);
  });
});
