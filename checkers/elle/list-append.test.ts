import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder, writeSkewHistory } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { listAppendChecker } from './list-append-checker.ts';

function check(history: Op[], consistencyModel = 'serializable', extra: Record<string, unknown> = {}): CheckResult {
  return listAppendChecker.check(history, { consistencyModel, ...extra }) as CheckResult;
}

/** Every anomaly type found, whether or not the model forbids it. */
function allTypes(r: CheckResult): string[] {
  return [...r.anomalyTypes, ...((r.details?.allowedAnomalyTypes as string[] | undefined) ?? [])].sort();
}

describe('list-append: valid histories', () => {
  it('finds nothing in a serial history, and says which graph it built', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['r', 'x', [1]]])
      .txn(1, [['r', 'x', [1]], ['append', 'x', 2], ['append', 'y', 1]])
      .txn(0, [['r', 'x', [1, 2]], ['r', 'y', [1]]])
      .build();
    const r = check(h, 'strict-serializable');
    expect(r.valid).toBe(true);
    expect(allTypes(r)).toEqual([]);
    expect(r.notModels).toEqual([]);
    expect(r.details?.graph).toMatchObject({ nodes: 3, byRelation: { ww: 1, wr: 2 } });
  });

  it('calls a history with no dependencies unknown, not valid', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(1, [['append', 'y', 1]]).build();
    const r = check(h);
    expect(r.valid).toBe('unknown');
    expect(r.anomalyTypes).toEqual(['empty-transaction-graph']);
    expect(r.error).toMatch(/no ww, wr or rw dependency/);
  });

  it('calls an empty history unknown', () => {
    const r = check([]);
    expect(r.valid).toBe('unknown');
    expect(r.error).toMatch(/no committed or indeterminate transactions/);
  });
});

describe('list-append: cycle anomalies, each alone', () => {
  it('G0: write cycle', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'y', 2]])
      .txn(1, [['append', 'x', 2], ['append', 'y', 1]])
      .txn(2, [['r', 'x', [1, 2]], ['r', 'y', [1, 2]]])
      .build();
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(allTypes(r)).toEqual(['G0']);
    expect(r.notModels).toContain('read-uncommitted');
  });

  it('G1c: circular information flow', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['r', 'y', [1]]])
      .txn(1, [['append', 'y', 1], ['r', 'x', [1]]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G1c']);
    expect(r.details?.weakestNotModels).toEqual(['read-committed']);
  });

  it('G-single: read skew', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'y', 1]])
      .txn(1, [['r', 'x', [1]], ['r', 'y', []]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G-single']);
    expect(r.notModels).toContain('snapshot-isolation');
  });

  it('G-nonadjacent: two anti-dependencies, never adjacent', () => {
    const h = new HistoryBuilder()
      .txn(0, [['r', 'a', []], ['r', 'd', [1]]])
      .txn(1, [['append', 'a', 1], ['append', 'b', 1]])
      .txn(2, [['r', 'b', [1]], ['r', 'c', []]])
      .txn(3, [['append', 'c', 1], ['append', 'd', 1]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G-nonadjacent']);
    expect(r.notModels).toContain('snapshot-isolation');
  });

  it('G2-item of three transactions: not write skew', () => {
    const h = new HistoryBuilder()
      .txn(0, [['r', 'a', []], ['r', 'c', [1]]])
      .txn(1, [['append', 'a', 1], ['r', 'b', []]])
      .txn(2, [['append', 'b', 1], ['append', 'c', 1]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G2-item']);
  });

  it('G2-item of two transactions each reading what the other writes is also write-skew', () => {
    const h = writeSkewHistory();
    const si = check(h, 'snapshot-isolation');
    expect(si.valid).toBe(true);
    expect(si.anomalies).toEqual([]);
    expect(si.details?.allowedAnomalyTypes).toEqual(['G2-item', 'write-skew']);
    const ser = check(h, 'serializable');
    expect(ser.valid).toBe(false);
    expect(ser.anomalyTypes).toEqual(['G2-item', 'write-skew']);
    expect(ser.notModels).toEqual(['repeatable-read', 'serializable', 'strong-session-serializable', 'strict-serializable']);
    expect(check(h, 'strict-serializable').anomalyTypes).toEqual(['G2-item', 'write-skew']);
  });
});

describe('list-append: process and realtime variants', () => {
  it('G0-process: a process\'s later append ordered before its earlier one', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]])
      .txn(0, [['append', 'x', 2]])
      .txn(1, [['r', 'x', [2, 1]]])
      .build();
    expect(allTypes(check(h, 'strong-session-serializable'))).toEqual(['G0-process']);
    expect(check(h, 'serializable').valid).toBe(true);
    const strict = check(h, 'strict-serializable');
    expect(allTypes(strict)).toEqual(['G0-process']);
    expect(strict.valid).toBe(false);
  });

  it('G1c-process: a transaction reads what its process writes next', () => {
    const h = new HistoryBuilder().txn(0, [['r', 'x', [1]]]).txn(0, [['append', 'x', 1]]).build();
    expect(allTypes(check(h, 'strong-session-serializable'))).toEqual(['G1c-process']);
  });

  it('G-single-process: a process does not read its own earlier write', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(0, [['r', 'x', []]]).build();
    const r = check(h, 'strong-session-snapshot-isolation');
    expect(r.valid).toBe(false);
    expect(allTypes(r)).toEqual(['G-single-process']);
    expect(check(h, 'snapshot-isolation').valid).toBe(true);
  });

  it('G-single-realtime: a stale read after the write completed', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(1, [['r', 'x', []]]).build();
    const r = check(h, 'strict-serializable');
    expect(r.valid).toBe(false);
    expect(allTypes(r)).toEqual(['G-single-realtime']);
    expect(check(h, 'serializable').valid).toBe(true);
  });

  it('G2-item-realtime: only realtime order closes a cycle of adjacent anti-dependencies', () => {
    const h = new HistoryBuilder()
      .invoke(1, 'txn', [['append', 'a', 1], ['r', 'b', null]])
      .invoke(2, 'txn', [['append', 'b', 1]])
      .ok(2)
      .invoke(0, 'txn', [['r', 'a', null]])
      .ok(0, [['r', 'a', []]])
      .ok(1, [['append', 'a', 1], ['r', 'b', []]])
      .build();
    expect(allTypes(check(h, 'strict-serializable'))).toEqual(['G2-item-realtime']);
    expect(check(h, 'serializable').valid).toBe(true);
  });
});

describe('list-append: anomalies without cycles', () => {
  it('G1a: aborted read', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]], 'fail').txn(1, [['r', 'x', [1]]]).build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G1a']);
    expect(r.anomalies[0]!.text).toBe('op 3 read key x = [1], observing 1, which op 1 appended in a transaction that failed (aborted read)');
  });

  it('G1b: intermediate read (which is also a G-single: the reader saw part of the writer)', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'x', 2]])
      .txn(1, [['r', 'x', [1]]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toContain('G1b');
    expect(allTypes(r).filter((t) => t !== 'G1b')).toEqual(['G-single']);
  });

  it('internal: a read that misses the transaction\'s own append', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1], ['r', 'x', []]]).build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['internal']);
    expect(r.anomalies[0]!.text).toBe('op 1 read key x = [], but its own earlier micro-ops on x imply […, 1]');
  });

  it('internal: a read that disagrees with the transaction\'s own earlier read', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]])
      .txn(1, [['r', 'x', [1]], ['append', 'x', 2], ['r', 'x', [1, 3]]])
      .txn(2, [['append', 'x', 3]], 'info')
      .build();
    expect(allTypes(check(h))).toContain('internal');
  });

  it('dirty-update: a committed append on top of an aborted one (so also an aborted read)', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]], 'fail')
      .txn(1, [['append', 'x', 2]])
      .txn(2, [['r', 'x', [1, 2]]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G1a', 'dirty-update']);
  });

  it('duplicate-elements', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(1, [['r', 'x', [1, 1]]]).build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['duplicate-elements']);
    expect(r.notModels).toContain('read-uncommitted');
  });

  it('incompatible-order: two reads no single order of appends explains', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]])
      .txn(1, [['append', 'x', 2]])
      .txn(2, [['r', 'x', [1, 2]]])
      .txn(3, [['r', 'x', [2, 1]]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['incompatible-order']);
    expect(r.anomalies[0]!.text).toBe(
      'key x was read as [2,1] (op 7) and as [1,2] (op 5): the first is not a prefix of the second, so no single order of appends explains both',
    );
  });

  it('lost-update (which also forms a G-single)', () => {
    const h = new HistoryBuilder()
      .txn(0, [['r', 'x', []], ['append', 'x', 1]])
      .txn(1, [['r', 'x', []], ['append', 'x', 2]])
      .txn(2, [['r', 'x', [1, 2]]])
      .build();
    const r = check(h);
    expect(allTypes(r)).toEqual(['G-single', 'lost-update']);
    expect(r.anomalies.find((a) => a.type === 'lost-update')!.text).toBe(
      'ops 1, 3 all read key x = [] and then wrote x: all but one of those updates were lost (lost update)',
    );
  });

  it('future-read: a read that sees the transaction\'s own later append', () => {
    const h = new HistoryBuilder().txn(0, [['r', 'x', [1]], ['append', 'x', 1]]).build();
    expect(allTypes(check(h))).toEqual(['future-read']);
  });

  it('refuses duplicate appends with unknown, since inference needs unique values', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(1, [['append', 'x', 1]]).txn(2, [['r', 'x', [1]]]).build();
    const r = check(h);
    expect(r.valid).toBe('unknown');
    expect(r.error).toBe('value 1 was appended to key x by both op 1 and op 3; list-append needs every appended value to be unique per key');
  });

  it('rejects a history of another shape with a clear error', () => {
    const h = new HistoryBuilder().op(0, 'write', 3).build();
    expect(() => check(h)).toThrow(/op 1 \(ok write\) does not fit the list-append checker: its value is 3, not a list of micro-ops/);
  });
});

describe('list-append: budgets', () => {
  it('a cycle search out of time reports what it has and stays invalid when something already proves it', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['r', 'x', []]])
      .txn(1, [['append', 'y', 1], ['r', 'z', [1]]])
      .txn(2, [['append', 'z', 1], ['r', 'y', [1]]])
      .build();
    const r = check(h, 'serializable', { timeLimitMs: 0 });
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toContain('internal');
    expect(r.anomalyTypes).toContain('cycle-search-timeout');
  });

  it('a cycle search out of time with nothing else found is unknown, but still names a cycle', () => {
    const h = new HistoryBuilder()
      .txn(1, [['append', 'y', 1], ['r', 'z', [1]]])
      .txn(2, [['append', 'z', 1], ['r', 'y', [1]]])
      .build();
    const r = check(h, 'snapshot-isolation', { timeLimitMs: 0 });
    expect(r.anomalyTypes).toContain('cycle-search-timeout');
    expect(r.anomalyTypes).toContain('G1c');
    expect(r.valid).toBe(false);
    const skew = new HistoryBuilder()
      .invoke(0, 'txn', [['r', 'y', null], ['append', 'x', 1]])
      .invoke(1, 'txn', [['r', 'x', null], ['append', 'y', 1]])
      .ok(0, [['r', 'y', []], ['append', 'x', 1]])
      .ok(1, [['r', 'x', []], ['append', 'y', 1]])
      .build();
    const rr = check(skew, 'snapshot-isolation', { timeLimitMs: 0 });
    expect(rr.valid).toBe('unknown');
    expect(rr.anomalyTypes).toEqual(['cycle-search-timeout']);
    expect(rr.details?.allowedAnomalyTypes).toEqual(['G2-item', 'write-skew']);
  });
});
