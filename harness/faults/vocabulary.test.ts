import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import { FaultTracker } from './tracker.ts';
import { faultClass, faultTransition } from './vocabulary.ts';
import { faultWindows } from './windows.ts';

describe('faultTransition', () => {
  it("reads faultline's start-/stop- names and Jepsen's", () => {
    expect(faultTransition('start-partition')).toEqual({ kind: 'start', fault: 'partition' });
    expect(faultTransition('stop-partition')).toEqual({ kind: 'stop', fault: 'partition' });
    expect(faultTransition('heal-packet')).toEqual({ kind: 'stop', fault: 'packet' });
    expect(faultTransition('kill')).toEqual({ kind: 'start', fault: 'kill' });
    expect(faultTransition('start')).toEqual({ kind: 'stop', fault: 'kill' });
    expect(faultTransition('restart')).toEqual({ kind: 'stop', fault: 'kill' });
    expect(faultTransition('resume')).toEqual({ kind: 'stop', fault: 'pause' });
    expect(faultTransition('skew-clock')).toEqual({ kind: 'start', fault: 'clock' });
    expect(faultTransition('heal')).toEqual({ kind: 'heal-all' });
    expect(faultTransition('stop-all')).toEqual({ kind: 'heal-all' });
    expect(faultTransition('start-all')).toBeUndefined();
    expect(faultTransition('read')).toBeUndefined();
    expect(faultTransition('constructor')).toBeUndefined();
    expect(faultClass('resume')).toBe('pause');
    expect(faultClass('heal')).toBe('heal');
  });

  // The run's status line (tracker) and the report's shading (windows) once disagreed on heal,
  // restart and skew-clock; both now read the one table.
  it.each([
    ['partition', 'heal', 'partition'],
    ['kill', 'restart', 'kill'],
    ['skew-clock', 'reset-clock', 'clock'],
    ['start-packet', 'heal', 'packet'],
    ['pause', 'stop-all', 'pause'],
  ])('the tracker and the windows agree: %s … %s', (open, close, fault) => {
    const b = new HistoryBuilder().nemesis('start-partition', null).nemesis(open, null);
    const tracker = new FaultTracker();
    for (const op of b.ops) tracker.onOp(op);
    expect(tracker.active()).toContain(fault);
    expect(faultWindows(b.ops).filter((w) => w.unhealed).map((w) => w.fault)).toContain(fault);
    b.nemesis(close, null);
    for (const op of b.ops.slice(-2)) tracker.onOp(op);
    const stillOpen = faultWindows(b.ops).filter((w) => w.unhealed).map((w) => w.fault);
    expect(stillOpen.sort()).toEqual(tracker.active());
    expect(stillOpen).not.toContain(fault);
  });
});
