import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CycleExplanation } from '../explanations.ts';
import type { Anomaly, CheckResult } from '../../harness/result.ts';
import { listAppendChecker } from './list-append-checker.ts';
import { rwRegisterChecker } from './rw-register-checker.ts';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const appends = (k: string, values: number[]) => values.map((v) => ['append', k, v]);

function anomaly(history: Op[], type: string, checker = listAppendChecker): Anomaly {
  const r = checker.check(history, { consistencyModel: 'serializable' }) as CheckResult;
  const a = r.anomalies.find((x) => x.type === type);
  if (!a) throw new Error(`no ${type} in ${r.anomalyTypes.join(', ')}`);
  return a;
}

describe('explanations of long values: abbreviated text, complete data', () => {
  it('G-single over long reads: each read shows its ends, and a long transaction keeps the micro-ops its edges are about', () => {
    const h = new HistoryBuilder()
      .txn(0, [...appends('c', range(1, 31)), ...appends('a', range(1, 31))])
      .txn(1, [...appends('z', range(1, 7)), ['append', 'c', 31], ['append', 'a', 31], ...appends('z', range(7, 13))])
      .txn(2, [['r', 'a', range(1, 32)], ['r', 'c', range(1, 31)]])
      .txn(0, [['r', 'c', range(1, 32)]])
      .build();
    const a = anomaly(h, 'G-single');
    expect(a.text).toBe(
      'Let T1 = {op 3, process 1, [["append","z",1],["append","z",2],["append","z",3],…3 more micro-ops…,["append","c",31],["append","a",31],…3 more micro-ops…,["append","z",10],["append","z",11],["append","z",12]]}, ' +
        'T2 = {op 5, process 2, [["r","a",[1,2,3,…25 more…,29,30,31]],["r","c",[1,2,3,…24 more…,28,29,30]]]}. ' +
        "Then: T1 < T2, because T2 observed T1's append of 31 to key a. " +
        "However, T2 < T1, because T2 did not observe T1's append of 31 to key c: a contradiction!",
    );
    // The data the report draws from is complete.
    const e = a.explanation as CycleExplanation;
    expect(e.txns[1]!.value).toEqual([['r', 'a', range(1, 32)], ['r', 'c', range(1, 31)]]);
    expect((e.txns[0]!.value as unknown[]).length).toBe(14);
  });

  it('G0: the appends a ww edge is about stay visible in a transaction of forty', () => {
    const h = new HistoryBuilder()
      .txn(0, appends('x', range(1, 41)))
      .txn(1, [['r', 'x', [...range(1, 21), 41, ...range(21, 41)]], ['append', 'x', 41]])
      .build();
    expect(anomaly(h, 'G0').text).toBe(
      'Let T1 = {op 1, process 0, [["append","x",1],["append","x",2],["append","x",3],…16 more micro-ops…,["append","x",20],["append","x",21],…16 more micro-ops…,["append","x",38],["append","x",39],["append","x",40]]}, ' +
        'T2 = {op 3, process 1, [["r","x",[1,2,3,…35 more…,38,39,40]],["append","x",41]]}. ' +
        'Then: T1 < T2, because T2 appended 41 after T1 appended 20 to key x. ' +
        'However, T2 < T1, because T1 appended 21 after T2 appended 41 to key x: a contradiction!',
    );
  });

  it('rw-register: long written strings keep their start and end', () => {
    const long = (c: string) => `${c}:${'abcdefghij'.repeat(8)}`;
    const h = new HistoryBuilder()
      .txn(0, [['w', 'x', long('1')], ['w', 'y', long('2')]])
      .txn(1, [['r', 'x', long('1')], ['r', 'y', null]])
      .build();
    const shown = (c: string) => `"${c}:abcdefghijabcdefghijab…42 more chars…efghijabcdefghij"`;
    expect(anomaly(h, 'G-single', rwRegisterChecker).text).toBe(
      `Let T1 = {op 1, process 0, [["w","x",${shown('1')}],["w","y",${shown('2')}]]}, T2 = {op 3, process 1, [["r","x",${shown('1')}],["r","y",null]]}. ` +
        `Then: T1 < T2, because T2 observed T1's write of ${shown('1')} to key x. ` +
        `However, T2 < T1, because T2 read the initial (null) state of key y, and T1 set it to ${shown('2')}, which came later in the version order: a contradiction!`,
    );
  });
});

describe('anomalies without cycles over long reads keep the elements they are about', () => {
  it('G1a: the aborted element in the middle of the read', () => {
    const h = new HistoryBuilder()
      .txn(0, appends('x', range(1, 21)))
      .txn(1, [['append', 'x', 21]], 'fail')
      .txn(0, appends('x', range(22, 41)))
      .txn(2, [['r', 'x', range(1, 41)]])
      .build();
    const a = anomaly(h, 'G1a');
    expect(a.text).toBe('op 7 read key x = [1,2,3,…16 more…,20,21,22,…15 more…,38,39,40], observing 21, which op 3 appended in a transaction that failed (aborted read)');
    expect((a.explanation as { read: unknown[] }).read).toEqual(range(1, 41));
  });

  it('incompatible-order: where the two reads part ways', () => {
    const base = range(1, 41);
    const swapped = [...base.slice(0, 25), 27, 26, ...base.slice(27)];
    const h = new HistoryBuilder().txn(0, appends('x', base)).txn(1, [['r', 'x', base]]).txn(2, [['r', 'x', swapped]]).build();
    expect(anomaly(h, 'incompatible-order').text).toBe(
      'key x was read as [1,2,3,…21 more…,25,27,26,…10 more…,38,39,40] (op 5) and as [1,2,3,…21 more…,25,26,27,…10 more…,38,39,40] (op 3): ' +
        'the first is not a prefix of the second (they first differ at element 26: 27 vs 26), so no single order of appends explains both',
    );
  });

  it('duplicate-elements: every occurrence of the duplicate', () => {
    const h = new HistoryBuilder()
      .txn(0, appends('x', range(1, 41)))
      .txn(1, [['r', 'x', [...range(1, 21), 7, ...range(21, 41)]]])
      .build();
    expect(anomaly(h, 'duplicate-elements').text).toBe('op 3 read key x = [1,2,3,4,5,6,7,8,…11 more…,20,7,21,…16 more…,38,39,40], in which 7 appears 2 times');
  });

  it('future-read: the element the transaction appends later', () => {
    const h = new HistoryBuilder()
      .txn(0, appends('x', range(1, 41)))
      .txn(1, [['r', 'x', [...range(1, 21), 41, ...range(21, 41)]], ['append', 'x', 41]])
      .build();
    expect(anomaly(h, 'future-read').text).toBe('op 3 read key x = [1,2,3,…16 more…,20,41,21,…16 more…,38,39,40], which includes 41, a value the same transaction appends only later');
  });

  it('internal and lost-update: the ends of long reads', () => {
    const internal = new HistoryBuilder()
      .txn(0, appends('x', range(1, 41)))
      .txn(1, [['r', 'x', range(1, 41)], ['append', 'x', 41], ['r', 'x', range(1, 41)]])
      .build();
    expect(anomaly(internal, 'internal').text).toBe('op 3 read key x = [1,2,3,…34 more…,38,39,40], but its own earlier micro-ops on x imply [1,2,3,…35 more…,39,40,41]');
    const lost = new HistoryBuilder()
      .txn(0, appends('x', range(1, 41)))
      .txn(1, [['r', 'x', range(1, 41)], ['append', 'x', 41]])
      .txn(2, [['r', 'x', range(1, 41)], ['append', 'x', 42]])
      .txn(0, [['r', 'x', range(1, 43)]])
      .build();
    expect(anomaly(lost, 'lost-update').text).toBe('ops 3, 5 all read key x = [1,2,3,…34 more…,38,39,40] and then wrote x: all but one of those updates were lost (lost update)');
  });
});
