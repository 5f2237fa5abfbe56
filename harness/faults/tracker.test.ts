import { describe, expect, it } from 'vitest';
import type { Op } from '../history/op.ts';
import { FaultTracker } from './tracker.ts';

let index = 0;
/** A nemesis op as recorded: an info invoke and its info completion. */
const pair = (f: string, value: unknown = null): Op[] => [
  { index: index++, time: index, type: 'info', process: 'nemesis', f, value },
  { index: index++, time: index, type: 'info', process: 'nemesis', f, value: { done: value } },
];

describe('FaultTracker', () => {
  it('follows Jepsen fault names: start-/stop-, kill/start, pause/resume, clocks, heal', () => {
    const t = new FaultTracker();
    const feed = (ops: Op[]) => ops.forEach((op) => t.onOp(op));
    feed(pair('start-partition', 'majority'));
    expect(t.active()).toEqual(['partition']);
    feed(pair('kill', ['n1']));
    feed(pair('pause', ['n2']));
    feed(pair('bump-clock', { n3: 100 }));
    expect(t.active()).toEqual(['clock', 'kill', 'partition', 'pause']);
    feed(pair('start', ['n1']));
    feed(pair('resume', ['n2']));
    feed(pair('stop-partition'));
    expect(t.active()).toEqual(['clock']);
    feed(pair('heal'));
    expect(t.active()).toEqual([]);
    expect(t.started).toBe(4);
    expect(t.ops).toBe(8);
  });

  it('counts a fault when its op completes, ignores client ops and unknown fs', () => {
    const t = new FaultTracker();
    const [invoke, done] = pair('start-packet');
    t.onOp(invoke!);
    expect(t.active()).toEqual([]);
    t.onOp({ index: 99, time: 1, type: 'invoke', process: 0, f: 'start-packet', value: null });
    t.onOp(done!);
    expect(t.active()).toEqual(['packet']);
    const whole = new FaultTracker();
    for (const o of [...pair('start-partition'), ...pair('frobnicate'), ...pair('stop-partition'), ...pair('start-partition')]) whole.onOp(o);
    expect(whole.started).toBe(2);
    expect(whole.ops).toBe(4);
  });
});
