import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import type { LinearizabilityExplanation } from '../explanations.ts';
import { checkLinearizableSync } from './linearizable-checker.ts';
import type { Model } from './model.ts';

/**
 * A compact way to write a history: `[process, f, value, outcome, result?, start, end]` where
 * start/end are positions in real time; the events are laid out in that order.
 */
type Spec = [process: number, f: string, value: unknown, outcome: 'ok' | 'info' | 'fail' | 'pending', start: number, end: number, result?: unknown, key?: string];

function history(...specs: Spec[]): Op[] {
  const events: { at: number; op: Omit<Op, 'index' | 'time'> }[] = [];
  for (const [process, f, value, outcome, start, end, result, key] of specs) {
    const k = key === undefined ? {} : { key };
    events.push({ at: start, op: { type: 'invoke', process, f, value, ...k } });
    if (outcome !== 'pending') events.push({ at: end, op: { type: outcome, process, f, value: result === undefined ? value : result, ...k } });
  }
  events.sort((a, b) => a.at - b.at);
  return events.map((e, index) => ({ index, time: index, ...e.op }));
}

const check = (model: string | Model<never>, h: Op[]) => checkLinearizableSync(h, { model });

describe('models', () => {
  it('register: a read sees the latest write, or one concurrent with it', () => {
    expect(check('register', history([0, 'write', 1, 'ok', 0, 1], [1, 'read', null, 'ok', 2, 3, 1])).valid).toBe(true);
    expect(check('register', history([0, 'write', 1, 'ok', 0, 1], [0, 'write', 2, 'ok', 2, 3], [1, 'read', null, 'ok', 4, 5, 1])).valid).toBe(false);
    expect(check('register', history([0, 'write', 1, 'ok', 0, 1], [0, 'write', 2, 'ok', 2, 5], [1, 'read', null, 'ok', 3, 4, 1])).valid).toBe(true);
  });

  it('cas-register: a failed cas never happened; a crashed one may take effect later, or never', () => {
    const failed = history([0, 'cas', [null, 3], 'fail', 0, 1], [1, 'read', null, 'ok', 2, 3, null]);
    expect(check('cas-register', failed).valid).toBe(true);
    const crashed = (read: unknown) => history([0, 'write', 1, 'ok', 0, 1], [0, 'cas', [1, 2], 'info', 2, 3], [1, 'read', null, 'ok', 4, 5, 1], [1, 'read', null, 'ok', 6, 7, read]);
    expect(check('cas-register', crashed(2)).valid).toBe(true);
    expect(check('cas-register', crashed(1)).valid).toBe(true);
    // Once it took effect it cannot be undone.
    const undone = history([0, 'write', 1, 'ok', 0, 1], [0, 'cas', [1, 2], 'info', 2, 3], [1, 'read', null, 'ok', 4, 5, 2], [1, 'read', null, 'ok', 6, 7, 1]);
    expect(check('cas-register', undone).valid).toBe(false);
  });

  it('cas-register: remembers which crashed op took effect, not just how many', () => {
    // Either crashed op can set 1 for the cas; only the write can set 1 again after it. The
    // search must not treat "the write happened" and "the crashed cas happened" as one config.
    const h = history([0, 'write', 1, 'pending', 0, 99], [1, 'cas', [null, 1], 'info', 1, 2], [2, 'cas', [1, 3], 'ok', 3, 4], [3, 'read', null, 'ok', 5, 6, 1]);
    expect(check('cas-register', h).valid).toBe(true);
  });

  it('mutex: two holders at once are not linearizable; a crashed release may free the lock', () => {
    expect(check('mutex', history([0, 'acquire', null, 'ok', 0, 1], [1, 'acquire', null, 'ok', 2, 3])).valid).toBe(false);
    expect(check('mutex', history([0, 'acquire', null, 'ok', 0, 1], [0, 'release', null, 'info', 2, 3], [1, 'acquire', null, 'ok', 4, 5])).valid).toBe(true);
    expect(check('mutex', history([0, 'release', null, 'ok', 0, 1])).valid).toBe(false);
  });

  it('set: a read returns exactly the elements added before it, in any order', () => {
    const h = (read: unknown) => history([0, 'add', 1, 'ok', 0, 1], [1, 'add', 2, 'ok', 2, 5], [2, 'read', null, 'ok', 3, 4, read]);
    expect(check('set', h([1])).valid).toBe(true);
    expect(check('set', h([2, 1])).valid).toBe(true);
    expect(check('set', h([2])).valid).toBe(false);
  });

  it('fifo-queue: dequeues come out in enqueue order', () => {
    const h = (first: number, second: number) =>
      history([0, 'enqueue', 1, 'ok', 0, 1], [0, 'enqueue', 2, 'ok', 2, 3], [1, 'dequeue', null, 'ok', 4, 5, first], [1, 'dequeue', null, 'ok', 6, 7, second]);
    expect(check('fifo-queue', h(1, 2)).valid).toBe(true);
    expect(check('fifo-queue', h(2, 1)).valid).toBe(false);
  });

  it('kv: each key is its own string register with append', () => {
    const h = (read: string) => history([0, 'put', 'a', 'ok', 0, 1, undefined, 'x'], [0, 'append', 'b', 'ok', 2, 3, undefined, 'x'], [1, 'append', 'z', 'ok', 4, 5, undefined, 'y'], [1, 'get', null, 'ok', 6, 7, read, 'x']);
    expect(check('kv', h('ab')).valid).toBe(true);
    expect(check('kv', h('abz')).valid).toBe(false);
    expect(checkLinearizableSync(h('abz'), { model: 'kv' }).anomalies.map((a) => a.key)).toEqual(['x']);
  });

  it('kv: long strings and many states are abbreviated in the paragraph, complete in the data', () => {
    const put = Array.from({ length: 20 }, (_, i) => `x 0 ${i} y`).join('');
    const appends = [1, 2, 3].map((p): Spec => [p, 'append', `x ${p} 0 y`, 'ok', 2 + p, 20 + p, undefined, 'k']);
    const h = history([0, 'put', put, 'ok', 0, 1, undefined, 'k'], ...appends, [9, 'get', null, 'ok', 10, 11, `${put}x 7 7 y`, 'k']);
    const a = check('kv', h).anomalies[0]!;
    const read = '"x 0 0 yx 0 1 yx 0 2 yx 0 3 …108 more chars… 0 18 yx 0 19 yx 7 7 y"';
    expect(a.text).toBe(
      `get → ${read} by process 9 (ops 5–6) on key "k" cannot be linearized. The longest linearizable prefix found orders 4 ops (4 of the 5 that completed) and ends with append "x 3 0 y" by process 3 (ops 4–9); ` +
        'just before it returned, the kv could be any of 8 states, among them "x 0 0 yx 0 1 yx 0 2 yx 0 3 yx 0 4 …114 more chars… yx 1 0 yx 2 0 yx 3 0 y", "x 0 0 yx 0 1 yx 0 2 yx 0 3 yx 0 4 …109 more chars… 0 19 yx 1 0 yx 2 0 y", ' +
        '"x 0 0 yx 0 1 yx 0 2 yx 0 3 yx 0 4 …114 more chars… yx 1 0 yx 3 0 yx 2 0 y" and "x 0 0 yx 0 1 yx 0 2 yx 0 3 yx 0 4 …109 more chars… 0 19 yx 1 0 yx 3 0 y", ' +
        `and get → ${read} is impossible from any of those states.`,
    );
    const e = a.explanation as LinearizabilityExplanation;
    expect(e.states).toHaveLength(8);
    expect(e.states).toContain(JSON.stringify(`${put}x 1 0 yx 2 0 yx 3 0 y`));
    expect(e.failedOpText).toBe(`get → ${JSON.stringify(`${put}x 7 7 y`)}`);
  });

  it('a user model in a few lines: a counter', () => {
    const counter: Model<number> = {
      name: 'counter',
      fs: ['add', 'read'],
      init: () => 0,
      step: (n, op) => (op.f === 'add' ? n + (op.value as number) : op.crashed || op.output === n ? n : undefined),
    };
    const h = (read: number) => history([0, 'add', 2, 'ok', 0, 1], [1, 'add', 3, 'info', 2, 3], [2, 'read', null, 'ok', 4, 5, read]);
    expect(check(counter as Model<never>, h(2)).valid).toBe(true);
    expect(check(counter as Model<never>, h(5)).valid).toBe(true);
    expect(check(counter as Model<never>, h(3)).valid).toBe(false);
  });

  it('refuses an op the model does not know (a shape error, exit 254) instead of guessing', () => {
    expect(() => check('register', history([0, 'cas', [1, 2], 'ok', 0, 1]))).toThrow('op 0 has f="cas", which the register model does not know; expected one of read, write (is this a history for another model or checker?)');
  });
});

describe('explanations', () => {
  it('renders the failing op, the longest prefix and the states before it', () => {
    const h = history([0, 'write', 1, 'ok', 0, 1], [1, 'write', 2, 'ok', 2, 3], [2, 'read', null, 'ok', 4, 5, 1]);
    const r = check('cas-register', h);
    expect(r.valid).toBe(false);
    const a = r.anomalies[0]!;
    expect(a.ops).toEqual([4, 5]);
    expect(a.explanation).toEqual({
      kind: 'linearizability',
      model: 'cas-register',
      ops: [0, 2, 4],
      longestPrefix: [0, 2],
      failedOp: 4,
      failedCompletion: 5,
      failedOpText: 'read → 1',
      states: ['2'],
      prefixStates: ['1', '2'],
    });
    expect(a.text).toBe(
      'read → 1 by process 2 (ops 4–5) cannot be linearized. The longest linearizable prefix found orders 2 ops (2 of the 3 that completed) and ends with write 2 by process 1 (ops 2–3); just before it returned, the cas-register could be 2, and read → 1 is impossible from that state.',
    );
  });

  it('blames the read that comes after one that already saw the newer value', () => {
    // The read of 2 is possible only after the write of 2, which then must precede the read of 1.
    const h = history([0, 'write', 1, 'ok', 0, 1], [1, 'write', 2, 'ok', 2, 7], [2, 'read', null, 'ok', 3, 4, 2], [2, 'read', null, 'ok', 5, 6, 1]);
    const r = check('register', h);
    expect(r.valid).toBe(false);
    expect(r.anomalies[0]!.text).toBe(
      'read → 1 by process 2 (ops 5–6) cannot be linearized. The longest linearizable prefix found orders 3 ops (3 of the 4 that completed) and ends with read → 2 by process 2 (ops 3–4); just before it returned, the register could be 2, and read → 1 is impossible from that state.',
    );
  });
});
