import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CycleExplanation } from '../explanations.ts';
import type { Anomaly, CheckResult } from '../../harness/result.ts';
import { listAppendChecker } from './list-append-checker.ts';
import { rwRegisterChecker } from './rw-register-checker.ts';

function anomaly(history: Op[], type: string, consistencyModel = 'strict-serializable', checker = listAppendChecker): Anomaly {
  const r = checker.check(history, { consistencyModel }) as CheckResult;
  const a = r.anomalies.find((x) => x.type === type);
  if (!a) throw new Error(`no ${type} in ${r.anomalyTypes.join(', ')}`);
  return a;
}

describe('cycle explanations, as Elle words them', () => {
  it('G1c: each observed the other\'s append', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['r', 'y', [1]]])
      .txn(1, [['append', 'y', 1], ['r', 'x', [1]]])
      .build();
    expect(anomaly(h, 'G1c', 'serializable').text).toBe(
      'Let T1 = {op 1, process 0, [["append","x",1],["r","y",[1]]]}, T2 = {op 3, process 1, [["append","y",1],["r","x",[1]]]}. ' +
        "Then: T1 < T2, because T2 observed T1's append of 1 to key x. " +
        "However, T2 < T1, because T1 observed T2's append of 1 to key y: a contradiction!",
    );
  });

  it('G0: ww steps name both appends', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1], ['append', 'y', 2]])
      .txn(1, [['append', 'x', 2], ['append', 'y', 1]])
      .txn(2, [['r', 'x', [1, 2]], ['r', 'y', [1, 2]]])
      .build();
    expect(anomaly(h, 'G0', 'serializable').text).toBe(
      'Let T1 = {op 1, process 0, [["append","x",1],["append","y",2]]}, T2 = {op 3, process 1, [["append","x",2],["append","y",1]]}. ' +
        'Then: T1 < T2, because T2 appended 2 after T1 appended 1 to key x. ' +
        'However, T2 < T1, because T1 appended 2 after T2 appended 1 to key y: a contradiction!',
    );
  });

  it('G-single-realtime: a realtime step gives indices and the gap', () => {
    const h = new HistoryBuilder()
      .txn(0, [['append', 'x', 1]])
      .txn(1, [['append', 'x', 2]])
      .wait(250)
      .txn(2, [['r', 'x', [1]]])
      .txn(0, [['r', 'x', [1, 2]]])
      .build();
    const a = anomaly(h, 'G-single-realtime');
    expect(a.text).toBe(
      'Let T1 = {op 3, process 1, [["append","x",2]]}, T2 = {op 5, process 2, [["r","x",[1]]]}. ' +
        'Then: T1 < T2, because T1 completed at index 3, 0.251 seconds before the invocation of T2, at index 4. ' +
        "However, T2 < T1, because T2 did not observe T1's append of 2 to key x: a contradiction!",
    );
  });

  it('G-single-process: a process step, and the explanation as data for the report', () => {
    const h = new HistoryBuilder().txn(0, [['append', 'x', 1]]).txn(0, [['r', 'x', []]]).build();
    const a = anomaly(h, 'G-single-process', 'strong-session-serializable');
    expect(a.text).toBe(
      'Let T1 = {op 1, process 0, [["append","x",1]]}, T2 = {op 3, process 0, [["r","x",[]]]}. ' +
        'Then: T1 < T2, because process 0 executed T1 before T2. ' +
        'However, T2 < T1, because T2 observed the initial (empty) state of key x, which T1 created by appending 1: a contradiction!',
    );
    const e = a.explanation as CycleExplanation;
    expect(e.kind).toBe('cycle');
    expect(e.txns.map((t) => [t.name, t.op, t.invoke, t.process])).toEqual([
      ['T1', 1, 0, 0],
      ['T2', 3, 2, 0],
    ]);
    expect(e.steps.map(({ text: _t, ...rest }) => rest)).toEqual([
      { from: 0, to: 1, kind: 'process' },
      { from: 1, to: 0, kind: 'rw', key: 'x', initial: true, nextValue: 1 },
    ]);
    expect(a.ops).toEqual([1, 3]);
  });

  it('rw-register: the initial state precedes every write', () => {
    const h = new HistoryBuilder()
      .txn(0, [['w', 'x', 1], ['w', 'y', 1]])
      .txn(1, [['r', 'x', 1], ['r', 'y', null]])
      .build();
    expect(anomaly(h, 'G-single', 'serializable', rwRegisterChecker).text).toBe(
      'Let T1 = {op 1, process 0, [["w","x",1],["w","y",1]]}, T2 = {op 3, process 1, [["r","x",1],["r","y",null]]}. ' +
        "Then: T1 < T2, because T2 observed T1's write of 1 to key x. " +
        'However, T2 < T1, because T2 read the initial (null) state of key y, and T1 set it to 1, which came later in the version order: a contradiction!',
    );
  });
});
