import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import { availabilityPerFault, clientCompletions, outsideFaults } from './availability.ts';
import { faultWindows } from './windows.ts';

describe('faultWindows', () => {
  it('spans from the start invocation to the heal completion; a failed start opens nothing', () => {
    const b = new HistoryBuilder({ stepMs: 0 });
    b.wait(100).nemesis('start-partition', { n1: ['n2'] }, 10); // invoked at 100 ms, done 110 ms
    b.wait(200).nemesis('stop-partition', null, 5); // invoked 310, done 315
    b.wait(50);
    b.invoke('nemesis', 'start-kill', ['n3']);
    b.wait(1);
    b.complete('nemesis', 'fail', ['n3'], { error: 'no such node' });
    b.wait(50).nemesis('pause', ['n2']);
    b.wait(100);
    b.invoke(0, 'read', null);
    b.wait(1);
    b.complete(0, 'ok', 1);
    const windows = faultWindows(b.ops);
    expect(windows.map((w) => ({ ...w, start: w.start / 1e6, end: w.end / 1e6 }))).toEqual([
      { fault: 'partition', start: 100, end: 315, unhealed: false, startOp: 0, value: { n1: ['n2'] } },
      { fault: 'pause', start: 416, end: 522, unhealed: true, startOp: 6, value: ['n2'] },
    ]);
  });

  it('closes every open fault on stop-all and ignores a second start of an open fault', () => {
    const b = new HistoryBuilder({ stepMs: 0 });
    b.nemesis('start-partition', 'a').wait(10).nemesis('start-partition', 'b').wait(10).nemesis('start-clock', 5).wait(10).nemesis('stop-all', null);
    const windows = faultWindows(b.ops);
    expect(windows.map((w) => [w.fault, w.value, w.unhealed, w.end / 1e6])).toEqual([
      ['partition', 'a', false, 50],
      ['clock', 5, false, 50],
    ]);
  });
});

describe('availability', () => {
  it('counts outcomes in each window, the longest gap without an ok, and heal to first ok', () => {
    const b = new HistoryBuilder({ stepMs: 0 });
    const op = (p: number, type: 'ok' | 'fail' | 'info', ms: number) => {
      b.invoke(p, 'read', null);
      b.wait(ms);
      b.complete(p, type, null);
    };
    op(0, 'ok', 10); // done at 10
    b.wait(1).nemesis('start-partition', null, 0); // window from 11
    op(0, 'ok', 20); // 31
    op(0, 'fail', 100); // 131
    op(1, 'info', 50); // 181
    op(0, 'ok', 20); // 201
    b.nemesis('stop-partition', null, 0); // window ends 201
    op(0, 'ok', 40); // 241
    const windows = faultWindows(b.ops);
    const c = clientCompletions(b.ops);
    const [a] = availabilityPerFault(b.ops, windows, c);
    expect(a).toEqual({ fault: 'partition', start: 11e6, end: 201e6, ok: 2, fail: 1, info: 1, longestGapMs: 170, healToFirstOkMs: 40 });
    expect(outsideFaults(c, windows)).toEqual({ ok: 2, fail: 0, info: 0 });
  });
});

describe('faultWindows on Jepsen-style nemesis ops', () => {
  it('pairs info/info halves in order and keeps a fault whose heal never completed', () => {
    const b = new HistoryBuilder({ stepMs: 0 });
    const info = (f: string, value: unknown) => {
      b.ops.push({ index: b.ops.length, time: b.timeNs, type: 'info', process: 'nemesis', f, value });
    };
    info('start-partition', 'majority');
    b.wait(10);
    info('start-partition', { n1: ['n2'] });
    b.wait(100);
    info('stop-partition', null);
    b.wait(10);
    info('stop-partition', 'healed');
    b.wait(100);
    info('start-partition', 'minority');
    b.wait(10);
    info('start-partition', 'done');
    b.wait(50);
    info('stop-partition', null);
    const windows = faultWindows(b.ops);
    expect(windows.map((w) => [w.start / 1e6, w.end / 1e6, w.unhealed, w.value])).toEqual([
      [0, 120, false, { n1: ['n2'] }],
      [220, 280, true, 'done'],
    ]);
  });
});
