import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/op.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import { checkSession } from './session.ts';

const check = (h: Op[], consistencyModel?: string) => checkSession(h, consistencyModel === undefined ? {} : { consistencyModel });

/** Runs each txn one after another (no concurrency): the order alone cannot excuse a stale read. */
function serial(...txns: [process: number, mops: unknown[][]][]): Op[] {
  const b = new HistoryBuilder();
  for (const [p, mops] of txns) b.txn(p, mops);
  return b.build();
}

describe('session guarantees: each planted violation is caught and named, and only the guarantees it breaks fail', () => {
  it('read-your-writes: a process does not see its own earlier append', () => {
    const h = serial([0, [['append', 'x', 1]]], [0, [['r', 'x', null]]]);
    const r = check(h);
    expect(r.valid).toBe(false);
    expect(r.anomalyTypes).toEqual(['read-your-writes-violation']);
    expect(r.anomalies[0]!.text).toBe('op 3 (process 0) read key x = [], missing what its own process had appended earlier: 1 (appended by op 1)');
    expect(check(h, 'read-your-writes').valid).toBe(false);
    expect(check(h, 'monotonic-reads').valid).toBe(true);
    expect(check(h, 'writes-follow-reads').valid).toBe(true);
    expect(r.details?.weakestNotModels).toEqual(['read-your-writes']);
  });

  it('monotonic reads: a later read of the same process goes back', () => {
    const h = serial([1, [['append', 'x', 1]]], [0, [['r', 'x', [1]]]], [0, [['r', 'x', null]]]);
    const r = check(h);
    expect(r.anomalyTypes).toEqual(['monotonic-reads-violation']);
    expect(check(h, 'monotonic-reads').valid).toBe(false);
    expect(check(h, 'read-your-writes').valid).toBe(true);
    expect(check(h, 'pram').valid).toBe(false);
  });

  it('monotonic writes: a read sees a process\'s second append without its first, or in the wrong order', () => {
    const skipped = serial([1, [['append', 'x', 1]]], [1, [['append', 'y', 2]]], [0, [['r', 'y', [2]], ['r', 'x', null]]]);
    expect(check(skipped).anomalyTypes).toEqual(['monotonic-writes-violation']);
    expect(check(skipped, 'monotonic-writes').valid).toBe(false);
    expect(check(skipped, 'monotonic-reads').valid).toBe(true);
    const reordered = serial([1, [['append', 'x', 1]]], [1, [['append', 'x', 2]]], [0, [['r', 'x', [2, 1]]]]);
    expect(check(reordered, 'monotonic-writes').anomalies[0]!.text).toMatch(/out of order/);
  });

  it('writes follow reads: a process appends after reading, and a reader sees the append but not what it read', () => {
    const h = serial([1, [['append', 'x', 1]]], [2, [['r', 'x', [1]]]], [2, [['append', 'y', 5]]], [0, [['r', 'y', [5]], ['r', 'x', null]]]);
    const r = check(h);
    expect(r.anomalyTypes).toEqual(['writes-follow-reads-violation']);
    expect(check(h, 'writes-follow-reads').valid).toBe(false);
    expect(check(h, 'pram').valid).toBe(true);
  });

  it('causal: a chain of two reads-from hops that no single guarantee covers', () => {
    // P1 appends x1; P2 reads it and appends y; P3 reads y and appends z; P0 sees z but not x1.
    const h = serial(
      [1, [['append', 'x', 1]]],
      [2, [['r', 'x', [1]], ['append', 'y', 1]]],
      [3, [['r', 'y', [1]], ['append', 'z', 1]]],
      [0, [['r', 'z', [1]], ['r', 'x', null]]],
    );
    const r = check(h);
    expect(r.anomalyTypes).toEqual(['causal-violation']);
    for (const g of ['read-your-writes', 'monotonic-reads', 'monotonic-writes', 'writes-follow-reads', 'pram']) expect(check(h, g).valid, g).toBe(true);
  });

  it('a cycle of reads-from is a causal cycle', () => {
    const b = new HistoryBuilder();
    b.invoke(0, 'txn', [['append', 'x', 1], ['r', 'y', null]]);
    b.invoke(1, 'txn', [['append', 'y', 1], ['r', 'x', null]]);
    b.ok(0, [['append', 'x', 1], ['r', 'y', [1]]]);
    b.ok(1, [['append', 'y', 1], ['r', 'x', [1]]]);
    expect(check(b.build()).anomalyTypes).toEqual(['causal-cycle']);
  });
});

describe('session guarantees: valid histories pass', () => {
  it('concurrent reads may miss concurrent appends of other processes', () => {
    const b = new HistoryBuilder();
    b.invoke(1, 'txn', [['append', 'x', 1]]);
    b.invoke(0, 'txn', [['r', 'x', null]]);
    b.ok(1, [['append', 'x', 1]]);
    b.ok(0, [['r', 'x', null]]);
    b.txn(0, [['r', 'x', [1]]]);
    b.txn(2, [['r', 'x', null]]); // another session that has not seen it yet: allowed (not linearizable, but causal)
    const r = check(b.build());
    expect(r.valid).toBe(true);
    expect(r.anomalies).toEqual([]);
  });

  it('property: a store whose replicas each show a prefix of one log of appends never violates anything', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ p: fc.nat(3), key: fc.constantFrom('x', 'y', 'z'), read: fc.boolean(), catchUp: fc.nat(4) }), { minLength: 1, maxLength: 40 }),
        (steps) => {
          // Appends enter one log in the order made; each process sees a prefix of it, which only
          // grows (it catches up a few entries at a time) and covers its own appends. Every
          // append's causal past is earlier in the log, so any prefix holding an append holds its
          // past: the store is causally consistent (and keeps every session guarantee) while its
          // processes lag behind each other.
          const log: { key: string; v: number }[] = [];
          const cursor = [0, 0, 0, 0];
          const b = new HistoryBuilder();
          for (const s of steps) {
            cursor[s.p] = Math.min(log.length, cursor[s.p]! + s.catchUp);
            if (s.read) {
              const list = log.slice(0, cursor[s.p]).filter((e) => e.key === s.key).map((e) => e.v);
              b.txn(s.p, [['r', s.key, list.length === 0 ? null : list]]);
            } else {
              log.push({ key: s.key, v: log.length + 1 });
              cursor[s.p] = log.length;
              b.txn(s.p, [['append', s.key, log.length]]);
            }
          }
          const r = check(b.build());
          expect(r.anomalies).toEqual([]);
          expect(r.valid === true || r.vacuous === true).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: the same store with one read made stale is caught whenever that read misses its causal past', () => {
    // A process reads a key while its cursor is pushed back behind its own last append.
    let caught = 0;
    fc.assert(
      fc.property(fc.array(fc.record({ p: fc.nat(2), key: fc.constantFrom('x', 'y'), read: fc.boolean() }), { minLength: 2, maxLength: 20 }), (steps) => {
        const log: { key: string; v: number; p: number }[] = [];
        const b = new HistoryBuilder();
        let planted = false;
        for (const s of steps) {
          if (s.read) {
            // Stale: the process sees the log only before its own latest append to this key.
            const own = log.map((e, i) => (e.p === s.p && e.key === s.key ? i : -1)).filter((i) => i >= 0);
            const upTo = !planted && own.length > 0 ? own[own.length - 1]! : log.length;
            if (upTo < log.length) planted = true;
            const list = log.slice(0, upTo).filter((e) => e.key === s.key).map((e) => e.v);
            b.txn(s.p, [['r', s.key, list.length === 0 ? null : list]]);
          } else {
            log.push({ key: s.key, v: log.length + 1, p: s.p });
            b.txn(s.p, [['append', s.key, log.length]]);
          }
        }
        const r = check(b.build());
        if (planted) {
          expect(r.anomalyTypes).toContain('read-your-writes-violation');
          caught++;
        } else expect(r.anomalies).toEqual([]);
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(caught).toBeGreaterThan(50);
  });
});
