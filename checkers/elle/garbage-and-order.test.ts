import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import type { CheckResult } from '../../harness/result.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import { SINGLE_OBJECT_MODELS } from './lattice.ts';
import { listAppendChecker } from './list-append-checker.ts';
import { CONSISTENCY_MODELS } from './models.ts';
import { rwRegisterChecker } from './rw-register-checker.ts';

/**
 * Reads no execution could produce, which a dependency graph cannot show (they make no edge):
 * a value nobody wrote (Elle's "garbage reads"), a list showing one transaction's appends out of
 * the order it made them (cyclic versions), and a read after the transaction's own append that
 * does not end with it (internal). Each planted by hand.
 */

const appendCheck = (h: Op[], consistencyModel = 'serializable') => listAppendChecker.check(h, { consistencyModel }) as CheckResult;
const registerCheck = (h: Op[], consistencyModel = 'serializable') => rwRegisterChecker.check(h, { consistencyModel }) as CheckResult;

const TRANSACTIONAL = CONSISTENCY_MODELS.filter((m) => !SINGLE_OBJECT_MODELS.includes(m));

/** Models under which the history passes (none expected). */
function passingModels(h: Op[], check: (h: Op[], model: string) => CheckResult): string[] {
  return TRANSACTIONAL.filter((m) => check(h, m).valid !== false);
}

function allTypes(r: CheckResult): string[] {
  return [...r.anomalyTypes, ...((r.details?.allowedAnomalyTypes as string[] | undefined) ?? [])].sort();
}

function text(r: CheckResult, type: string): string[] {
  const all = [...r.anomalies, ...((r.details?.allowedAnomalies as CheckResult['anomalies'] | undefined) ?? [])];
  return all.filter((a) => a.type === type).map((a) => a.text);
}

describe('list-append: garbage reads', () => {
  it('an element no transaction appended fails every model, read uncommitted included', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(1, [['r', 'x', [1, 99]]]).build();
    const r = appendCheck(h);
    expect(allTypes(r)).toEqual(['garbage-read']);
    expect(text(r, 'garbage-read')).toEqual(['op 3 read key x = [1,99], but no transaction appended 99 to x, not even one that failed (garbage read)']);
    expect(r.anomalies[0]!.explanation).toEqual({ reader: 3, key: 'x', read: [1, 99], elements: [99] });
    expect(r.details?.weakestNotModels).toEqual(['one-copy-serializable', 'read-uncommitted', 'view-serializable']);
    expect(passingModels(h, appendCheck)).toEqual([]);
  });

  it('a value appended to another key is garbage on this one', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'y', 5]]).txn(1, [['r', 'x', [5]], ['r', 'y', [5]]]).build();
    expect(text(appendCheck(h), 'garbage-read')).toEqual(['op 3 read key x = [5], but no transaction appended 5 to x, not even one that failed (garbage read)']);
  });

  it('every read that shows the element is named, a shorter one too, and several elements in one sentence', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]])
      .txn(1, [['r', 'x', [1, 98]]])
      .txn(2, [['r', 'x', [1, 98, 97]]])
      .txn(3, [['r', 'x', [1]]])
      .build();
    expect(text(appendCheck(h), 'garbage-read')).toEqual([
      'op 3 read key x = [1,98], but no transaction appended 98 to x, not even one that failed (garbage read)',
      'op 5 read key x = [1,98,97], but no transaction appended any of [98,97] to x, not even one that failed (garbage read)',
    ]);
  });

  it('in a read no order of appends explains, and beside an aborted read', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]])
      .txn(1, [['append', 'x', 2]], 'fail')
      .txn(2, [['append', 'x', 3]])
      .txn(3, [['r', 'x', [1, 3]]])
      .txn(4, [['r', 'x', [1, 2, 96]]])
      .build();
    const r = appendCheck(h);
    expect(allTypes(r)).toEqual(['G1a', 'garbage-read', 'incompatible-order']);
    expect(text(r, 'garbage-read')).toEqual(['op 9 read key x = [1,2,96], but no transaction appended 96 to x, not even one that failed (garbage read)']);
  });

  it('a crashed transaction\'s append is not garbage', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]], 'info').txn(1, [['r', 'x', [1]], ['append', 'x', 2]]).txn(2, [['r', 'x', [1, 2]]]).build();
    const r = appendCheck(h, 'strict-serializable');
    expect(r.valid).toBe(true);
    expect(allTypes(r)).toEqual([]);
  });
});

describe('list-append: a read showing one transaction\'s appends out of its order (cyclic versions)', () => {
  it('two appends reversed fail every model', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'x', 2]])
      .txn(1, [['append', 'x', 3]])
      .txn(2, [['r', 'x', [2, 1, 3]]])
      .build();
    const r = appendCheck(h);
    expect(allTypes(r)).toEqual(['cyclic-versions']);
    expect(text(r, 'cyclic-versions')).toEqual([
      'op 5 read key x = [2,1,3], in which 2 comes before 1, but op 1 appended 1 and then 2 in one transaction: x\'s version order would need 1 before 2 and 2 before 1 (cyclic versions)',
    ]);
    expect(r.details?.weakestNotModels).toEqual(['one-copy-serializable', 'read-uncommitted', 'view-serializable']);
    expect(passingModels(h, appendCheck)).toEqual([]);
  });

  it('with the append between them never read', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'x', 2], ['append', 'x', 3]])
      .txn(1, [['r', 'x', [3, 1]]])
      .build();
    expect(text(appendCheck(h), 'cyclic-versions')).toEqual([
      'op 3 read key x = [3,1], in which 3 comes before 1, but op 1 appended 1 and then 3 in one transaction: x\'s version order would need 1 before 3 and 3 before 1 (cyclic versions)',
    ]);
  });

  it('in a read that is not the longest: read uncommitted, which allows incompatible orders, still fails', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'x', 2]])
      .txn(1, [['append', 'x', 3]])
      .txn(2, [['r', 'x', [1, 2, 3]]])
      .txn(2, [['r', 'x', [2, 1]]])
      .build();
    const r = appendCheck(h, 'read-uncommitted');
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['cyclic-versions']);
    expect(r.details?.allowedAnomalyTypes).toContain('incompatible-order');
    expect(text(r, 'cyclic-versions')[0]).toMatch(/^op 7 read key x = \[2,1\], in which 2 comes before 1, but op 1 appended 1 and then 2/);
  });

  it('appends of different transactions in either order are no such anomaly', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'y', 1]])
      .txn(1, [['append', 'x', 2], ['append', 'x', 3]])
      .txn(2, [['r', 'x', [2, 3, 1]], ['r', 'y', [1]]])
      .build();
    const r = appendCheck(h);
    expect(r.valid).toBe(true);
    expect(allTypes(r)).toEqual([]);
  });
});

describe('list-append: a read after the transaction\'s own append (internal)', () => {
  it('must end with that append: one that sees it, then another\'s, is internal', () => {
    const h = new HistoryBuilder()
      .txn(1, [['append', 'x', 2]], 'info')
      .txn(0, [['append', 'x', 1], ['r', 'x', [1, 2]]])
      .build();
    const r = appendCheck(h);
    expect(allTypes(r)).toContain('internal');
    expect(text(r, 'internal')).toEqual(['op 3 read key x = [1,2], but its own earlier micro-ops on x imply […, 1]']);
  });

  it('its own appends in its own order, after any prefix, are fine', () => {
    const h = new HistoryBuilder()
      .txn(1, [['append', 'x', 5]])
      .txn(0, [['append', 'x', 1], ['append', 'x', 2], ['r', 'x', [5, 1, 2]]])
      .build();
    const r = appendCheck(h, 'strict-serializable');
    expect(r.valid).toBe(true);
    expect(allTypes(r)).toEqual([]);
  });

  it('its own appends reversed are internal and cyclic versions', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1], ['append', 'x', 2], ['r', 'x', [2, 1]]]).build();
    const r = appendCheck(h);
    expect(allTypes(r)).toEqual(['cyclic-versions', 'internal']);
    expect(text(r, 'internal')).toEqual(['op 1 read key x = [2,1], but its own earlier micro-ops on x imply […, 1, 2]']);
  });

  it('is forbidden where Elle forbids it (serializable, snapshot isolation, Cerone\'s models), not by read committed', () => {
    const h = new HistoryBuilder().txn(1, [['append', 'x', 2]]).txn(0, [['append', 'x', 1], ['r', 'x', [1, 2]]]).txn(2, [['r', 'x', [1, 2]]]).build();
    for (const model of ['serializable', 'snapshot-isolation', 'read-atomic', 'causal-cerone']) expect(appendCheck(h, model).valid, model).toBe(false);
    const rc = appendCheck(h, 'read-committed');
    expect(rc.details?.allowedAnomalyTypes).toContain('internal');
  });
});

describe('rw-register: garbage reads', () => {
  it('a value no transaction wrote fails every model, read uncommitted included', () => {
    const h = new HistoryBuilder().txn(0, [['w', 'x', 1]]).txn(1, [['r', 'x', 1]]).txn(2, [['r', 'x', 99]]).build();
    const r = registerCheck(h);
    expect(allTypes(r)).toEqual(['garbage-read']);
    expect(text(r, 'garbage-read')).toEqual(['op 5 read key x = 99, but no transaction wrote 99 to x, not even one that failed (garbage read)']);
    expect(r.details?.weakestNotModels).toEqual(['one-copy-serializable', 'read-uncommitted', 'view-serializable']);
    expect(passingModels(h, registerCheck)).toEqual([]);
  });

  it('a value written to another key is garbage on this one; a failed write is an aborted read instead', () => {
    const h = new HistoryBuilder()
      .txn(0, [['w', 'y', 5]])
      .txn(1, [['w', 'x', 6]], 'fail')
      .txn(2, [['r', 'x', 5], ['r', 'y', 5]])
      .txn(3, [['r', 'x', 6]])
      .build();
    const r = registerCheck(h);
    expect(allTypes(r)).toEqual(['G1a', 'garbage-read']);
    expect(text(r, 'garbage-read')).toEqual(['op 5 read key x = 5, but no transaction wrote 5 to x, not even one that failed (garbage read)']);
  });

  it('a crashed transaction\'s write and the initial null are not garbage', () => {
    const h = new HistoryBuilder().txn(0, [['r', 'x', null], ['w', 'x', 1]], 'info').txn(1, [['r', 'x', 1], ['w', 'x', 2]]).txn(2, [['r', 'x', 2]]).build();
    expect(allTypes(registerCheck(h))).toEqual([]);
  });
});
