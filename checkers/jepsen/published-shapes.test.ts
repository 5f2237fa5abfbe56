import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import type { CheckResult } from '../../harness/result.ts';
import { bankChecker } from './bank.ts';
import { counterChecker } from './counter.ts';
import { longForkChecker } from './long-fork.ts';
import { setFullChecker } from './set-full.ts';
import { totalQueueChecker } from './total-queue.ts';
import { uniqueIdsChecker } from './unique-ids.ts';

/**
 * The Jepsen-family checkers on the shapes jepsen.checker's own tests use (learned from them;
 * the fixtures here are our own values): many ops in flight at once, reads overlapping the
 * writes they may or may not see, hung and duplicated queue elements, set elements that
 * flutter. Each states the verdict Jepsen gives that shape.
 */

type Step = [kind: 'invoke' | 'ok' | 'fail' | 'info', process: number, f: string, value: unknown];

/** A history from steps in order, each op 1 ms after the last (as Jepsen's test helper). */
function history(steps: Step[]): Op[] {
  const b = new HistoryBuilder();
  for (const [kind, p, f, v] of steps) {
    if (kind === 'invoke') b.invoke(p, f, v);
    else b[kind](p, v);
  }
  return b.build();
}

const run = (checker: { check(h: Op[], o: Record<string, unknown>): unknown }, h: Op[], options: Record<string, unknown> = {}) => checker.check(h, options) as CheckResult;

describe('counter (jepsen.checker/counter shapes)', () => {
  it('nine ops all in flight at once: every read within [0, sum of adds] passes, one past it fails alone', () => {
    const adds: Step[] = [1, 2, 4, 8].map((n, i) => ['invoke', 10 + i, 'add', n]);
    const readers: Step[] = [20, 21, 22, 23, 24].map((p) => ['invoke', p, 'read', null]);
    const done: Step[] = [
      ['ok', 20, 'read', 9],
      ['ok', 10, 'add', 1],
      ['ok', 21, 'read', 0],
      ['ok', 11, 'add', 2],
      ['ok', 22, 'read', 14],
      ['ok', 12, 'add', 4],
      ['ok', 23, 'read', 99],
      ['ok', 13, 'add', 8],
      ['ok', 24, 'read', 15],
    ];
    const r = run(counterChecker, history([...readers.slice(0, 2), ...adds, ...readers.slice(2), ...done]));
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => a.explanation)).toEqual([expect.objectContaining({ value: 99, lower: 0, upper: 15 })]);
  });

  it('rolling reads and adds: a read above every add that could have completed fails', () => {
    const r = run(
      counterChecker,
      history([
        ['invoke', 0, 'read', null],
        ['invoke', 1, 'add', 3],
        ['ok', 0, 'read', 0],
        ['invoke', 0, 'read', null],
        ['ok', 1, 'add', 3],
        ['invoke', 1, 'add', 5],
        ['ok', 0, 'read', 8],
        ['invoke', 0, 'read', null],
        ['ok', 1, 'add', 5],
        ['ok', 0, 'read', 9],
      ]),
    );
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]!.explanation).toMatchObject({ value: 9, lower: 3, upper: 8 });
  });

  it('a failed add is ignored; a read of the initial 0 passes', () => {
    const r = run(counterChecker, history([['invoke', 0, 'add', 5], ['fail', 0, 'add', 5], ['invoke', 0, 'read', null], ['ok', 0, 'read', 0]]));
    expect(r.valid).toBe(true);
    expect(r.vacuous).toBeUndefined();
  });
});

describe('total-queue (jepsen.checker/total-queue shapes)', () => {
  it('a hung enqueue, an acknowledged one never dequeued, one dequeued twice, one from nowhere', () => {
    const r = run(
      totalQueueChecker,
      history([
        ['invoke', 1, 'enqueue', 'hung'],
        ['invoke', 2, 'enqueue', 'kept'],
        ['ok', 2, 'enqueue', 'kept'],
        ['invoke', 3, 'enqueue', 'twice'],
        ['ok', 3, 'enqueue', 'twice'],
        ['invoke', 4, 'dequeue', null],
        ['invoke', 5, 'dequeue', null],
        ['ok', 5, 'dequeue', 'ghost'],
        ['invoke', 6, 'dequeue', null],
        ['ok', 6, 'dequeue', 'twice'],
        ['invoke', 7, 'dequeue', null],
        ['ok', 7, 'dequeue', 'twice'],
      ]),
    );
    // Lost and unexpected fail the check; a duplicate is counted but, as in Jepsen, does not.
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['lost-element', 'unexpected-element']);
    expect(r.details).toMatchObject({ attemptCount: 3, acknowledgedCount: 2, okCount: 1, lostCount: 1, unexpectedCount: 1, duplicatedCount: 1, recoveredCount: 0 });
  });

  it('an enqueue that never returned but whose element came out is recovered, and valid', () => {
    const r = run(
      totalQueueChecker,
      history([
        ['invoke', 1, 'enqueue', 7],
        ['invoke', 2, 'enqueue', 8],
        ['ok', 2, 'enqueue', 8],
        ['invoke', 3, 'dequeue', null],
        ['ok', 3, 'dequeue', 7],
        ['invoke', 3, 'dequeue', null],
        ['ok', 3, 'dequeue', 8],
      ]),
    );
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({ attemptCount: 2, acknowledgedCount: 1, okCount: 2, recoveredCount: 1, lostCount: 0 });
  });
});

describe('set-full (jepsen.checker/set-full shapes)', () => {
  const add: Step = ['invoke', 0, 'add', 'e'];
  const added: Step = ['ok', 0, 'add', 'e'];
  const read: Step = ['invoke', 1, 'read', null];
  const present: Step = ['ok', 1, 'read', ['e']];
  const absent: Step = ['ok', 1, 'read', []];

  it('a read that sees the element, in each of the five places relative to its add, makes it stable', () => {
    for (const order of [
      [read, add, present, added],
      [read, add, added, present],
      [add, read, present, added],
      [add, read, added, present],
      [add, added, read, present],
    ]) {
      const r = run(setFullChecker, history(order));
      expect(r.valid).toBe(true);
      expect(r.details).toMatchObject({ stableCount: 1, lostCount: 0, neverReadCount: 0 });
    }
  });

  it('a read concurrent with the add that misses it proves nothing (unknown, never read)', () => {
    for (const order of [
      [read, add, absent, added],
      [read, add, added, absent],
      [add, read, absent, added],
      [add, read, added, absent],
    ]) {
      const r = run(setFullChecker, history(order));
      expect(r.valid).toBe('unknown');
      expect(r.details).toMatchObject({ stableCount: 0, neverReadCount: 1 });
    }
  });

  it('a read begun after the add completed that misses it: lost', () => {
    const r = run(setFullChecker, history([add, added, read, absent]));
    expect(r.valid).toBe(false);
    expect(r.details).toMatchObject({ lostCount: 1 });
  });

  it('two concurrent adds, reads that see them and then lose them: both lost', () => {
    const r = run(
      setFullChecker,
      history([
        ['invoke', 0, 'add', 'a'],
        ['invoke', 1, 'add', 'b'],
        ['invoke', 2, 'read', null],
        ['ok', 2, 'read', ['b']],
        ['ok', 0, 'add', 'a'],
        ['ok', 1, 'add', 'b'],
        ['invoke', 2, 'read', null],
        ['ok', 2, 'read', ['a', 'b']],
        ['invoke', 2, 'read', null],
        ['ok', 2, 'read', ['a']],
        ['invoke', 2, 'read', null],
        ['ok', 2, 'read', []],
      ]),
    );
    expect(r.valid).toBe(false);
    expect(r.details).toMatchObject({ lostCount: 2, stableCount: 0 });
  });

  it('an element that flutters (seen, missed, seen again) is stable but stale; one missed for good is lost', () => {
    const h = history([
      ['invoke', 0, 'add', 'a'],
      ['ok', 0, 'add', 'a'],
      ['invoke', 1, 'add', 'b'],
      ['invoke', 2, 'read', null],
      ['ok', 2, 'read', ['b']],
      ['ok', 1, 'add', 'b'],
      ['invoke', 2, 'read', null],
      ['invoke', 3, 'read', null],
      ['ok', 3, 'read', ['b']],
      ['ok', 2, 'read', ['a']],
    ]);
    const r = run(setFullChecker, h);
    expect(r.valid).toBe(false);
    expect(r.details).toMatchObject({ lostCount: 1, stableCount: 1, staleCount: 1 });
    expect(r.anomalyTypes).toContain('lost-element');
  });
});

describe('unique-ids, bank, long-fork', () => {
  it('unique-ids: a repeated id among concurrent generates fails, naming both ops', () => {
    const r = run(
      uniqueIdsChecker,
      history([
        ['invoke', 0, 'generate', null],
        ['invoke', 1, 'generate', null],
        ['invoke', 2, 'generate', null],
        ['ok', 1, 'generate', 'id-2'],
        ['ok', 0, 'generate', 'id-1'],
        ['info', 2, 'generate', null],
        ['invoke', 3, 'generate', null],
        ['ok', 3, 'generate', 'id-2'],
      ]),
    );
    expect(r.valid).toBe(false);
    expect(r.details).toMatchObject({ attemptedCount: 4, acknowledgedCount: 3, duplicatedCount: 1 });
    expect(r.anomalies[0]!.ops).toEqual([3, 7]);
  });

  it('bank: reads during transfers must keep the total; one that does not, and a negative balance, fail', () => {
    const h = history([
      ['invoke', 0, 'read', null],
      ['ok', 0, 'read', { a: 50, b: 50 }],
      ['invoke', 1, 'transfer', { from: 'a', to: 'b', amount: 10 }],
      ['invoke', 0, 'read', null],
      ['ok', 0, 'read', { a: 40, b: 50 }],
      ['ok', 1, 'transfer', { from: 'a', to: 'b', amount: 10 }],
      ['invoke', 0, 'read', null],
      ['ok', 0, 'read', { a: -5, b: 105 }],
    ]);
    const r = run(bankChecker, h, { totalAmount: 100 });
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['negative-value', 'wrong-total']);
    expect(run(bankChecker, h, { totalAmount: 100, negativeBalances: true }).anomalyTypes).toEqual(['wrong-total']);
  });

  it('long-fork: two reads that saw each other\'s missing write are a fork; reads in one order are not', () => {
    const writes: Step[] = [
      ['invoke', 0, 'txn', [['w', 'x', 1]]],
      ['ok', 0, 'txn', [['w', 'x', 1]]],
      ['invoke', 1, 'txn', [['w', 'y', 1]]],
      ['ok', 1, 'txn', [['w', 'y', 1]]],
    ];
    const reads = (first: unknown[], second: unknown[]): Step[] => [
      ['invoke', 2, 'txn', [['r', 'x', null], ['r', 'y', null]]],
      ['invoke', 3, 'txn', [['r', 'x', null], ['r', 'y', null]]],
      ['ok', 2, 'txn', first],
      ['ok', 3, 'txn', second],
    ];
    const fork = run(longForkChecker, history([...writes, ...reads([['r', 'x', 1], ['r', 'y', null]], [['r', 'x', null], ['r', 'y', 1]])]));
    expect(fork.valid).toBe(false);
    expect(fork.anomalyTypes).toEqual(['long-fork']);
    const ordered = run(longForkChecker, history([...writes, ...reads([['r', 'x', 1], ['r', 'y', null]], [['r', 'x', 1], ['r', 'y', 1]])]));
    expect(ordered.valid).toBe(true);
  });
});
