import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../harness/generator/simulate.ts';
import type { MicroOp, Op } from '../harness/history/op.ts';
import { Random } from '../harness/random.ts';
import { defineSpec, type TestSpec } from '../harness/test-spec.ts';
import { bank } from './bank/bank.ts';
import { listAppend } from './list-append/list-append.ts';
import { lostUpdate } from './lost-update/lost-update.ts';
import { getWorkload } from './registry.ts';
import { rwRegister } from './rw-register/rw-register.ts';
import { shardIndex } from './two-pc-bank/two-pc-client.ts';
import { twoPcBank } from './two-pc-bank/two-pc-bank.ts';
import { writeSkew } from './write-skew/write-skew.ts';
import type { Workload } from './workload.ts';
import { databaseNames, getDatabase } from '../docker/databases.ts';
import { clientFactory } from './workload.ts';
import type { SqlCapable } from './sql/sql-dialect.ts';

const spec = (over: Partial<TestSpec> = {}): TestSpec =>
  defineSpec({ name: 't', db: 'postgres', workload: 'w', nodes: 1, concurrency: 5, rate: 100, timeLimit: 10, nemesis: [], nemesisInterval: 10, recovery: 0, seed: 1, ...over, options: over.options ?? {} });

/** The invocations a workload's generator makes, run against instant ok completions. */
function invocations(w: Workload, test: TestSpec, seed: number, maxOps = 4_000): Op[] {
  return simulate(w.generator(test, Random.fromSeed(seed)), { concurrency: test.concurrency, maxOps }).filter((o) => o.type === 'invoke');
}

describe('SQL workloads run on every database that offers the SQL capability', () => {
  const withClient = (name: string) => databaseNames().filter((db) => clientFactory(getWorkload(name)!, getDatabase(db)!) !== undefined);

  it('by name, with a client on each SQL database and none elsewhere', () => {
    for (const name of ['list-append', 'rw-register', 'bank', 'write-skew', 'lost-update']) expect(withClient(name)).toEqual(['mariadb', 'postgres']);
    // 2PC needs prepared transactions, which only PostgreSQL's dialect offers here.
    expect(withClient('2pc-bank')).toEqual(['postgres']);
    expect(withClient('register')).toEqual(['etcd']);
  });

  it('a database with its own dialect gets the generic clients, without naming it anywhere in workloads/', () => {
    const sql = getDatabase('postgres') as unknown as SqlCapable;
    const homemade = { name: 'homemade', image: { ref: 'homemade' }, setup: async () => undefined, teardown: async () => undefined, sql: { ...sql.sql, name: 'homemade', preparedTransactions: undefined } };
    expect(clientFactory(getWorkload('bank')!, homemade)).toBeTypeOf('function');
    expect(clientFactory(getWorkload('2pc-bank')!, homemade)).toBeUndefined();
    expect(String(clientFactory(getWorkload('bank')!, homemade)!())).toBe('bank client for homemade on (not open)');
  });
});

describe('Elle transactions (list-append, rw-register)', () => {
  it('write each value at most once per key, retire keys after maxWritesPerKey, and stay within the length bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (seed, keyCount, maxWrites) => {
        for (const [w, writeF] of [[listAppend, 'append'], [rwRegister, 'w']] as const) {
          const test = spec({ options: { keyCount, maxWritesPerKey: maxWrites, maxTxnLength: 3 } });
          const seen = new Map<unknown, Set<unknown>>();
          for (const op of invocations(w, test, seed, 400)) {
            const mops = op.value as MicroOp[];
            expect(op.f).toBe('txn');
            expect(mops.length).toBeGreaterThanOrEqual(1);
            expect(mops.length).toBeLessThanOrEqual(3);
            for (const [f, k, v] of mops) {
              expect([writeF, 'r']).toContain(f);
              if (f === 'r') continue;
              const values = seen.get(k) ?? new Set();
              expect(values.has(v)).toBe(false);
              values.add(v);
              seen.set(k, values);
              expect(values.size).toBeLessThanOrEqual(maxWrites);
            }
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it('checks options: unknown names and fractions out of range are named', () => {
    expect(listAppend.checkOptions?.({ keyCount: 3, readFraction: 0.2, timeoutMs: 100 })).toEqual([]);
    expect(listAppend.checkOptions?.({ keyCont: 3 })).toEqual([expect.stringMatching(/^unknown option "keyCont" for the list-append workload; known: timeoutMs, lockTimeoutMs, keyCount/)]);
    expect(rwRegister.checkOptions?.({ readFraction: 2, keyCount: 0 })).toEqual(['readFraction must be a number from 0 to 1 (got 2)', 'keyCount must be a positive integer (got 0)']);
  });
});

describe('write-skew generator', () => {
  it('reads every doctor of the open shift, takes one off with a unique id, and moves on after attemptsPerShift', () => {
    const test = spec({ options: { attemptsPerShift: 3, shifts: 5 } });
    const ops = invocations(writeSkew, test, 7);
    expect(ops).toHaveLength(15); // 5 shifts × 3 attempts, then done
    const ids = new Set<unknown>();
    ops.forEach((op, i) => {
      const shift = Math.floor(i / 3);
      const mops = op.value as MicroOp[];
      expect(mops.slice(0, 2)).toEqual([['r', `s${shift}-d0`, null], ['r', `s${shift}-d1`, null]]);
      expect(mops[2]![0]).toBe('w');
      expect([`s${shift}-d0`, `s${shift}-d1`]).toContain(mops[2]![1]);
      ids.add(mops[2]![2]);
    });
    expect(ids.size).toBe(15);
  });

  it('sizes the shift table for the run and reads all of it at the end', () => {
    const test = spec({ rate: 100, timeLimit: 30 });
    const final = simulate(writeSkew.finalGenerator!(test, Random.fromSeed(1), []), { concurrency: 2 }).filter((o) => o.type === 'invoke');
    const reads = final.flatMap((o) => o.value as MicroOp[]);
    // 100/s × 30 s × 1.5 margin / 4 attempts per shift + 10, two doctors each.
    expect(reads).toHaveLength((Math.ceil((100 * 30 * 1.5) / 4) + 10) * 2);
    expect(writeSkew.checkOptions?.({ doctorsPerShift: 1 })).toEqual(['doctorsPerShift must be at least 2']);
  });
});

describe('lost-update and bank generators', () => {
  it('increments read a counter then write it, on the configured keys; the final read covers every key', () => {
    const test = spec({ options: { keys: 3 } });
    for (const op of invocations(lostUpdate, test, 3, 300)) {
      const [[r, k1], [w, k2]] = op.value as MicroOp[] as [MicroOp, MicroOp];
      expect([r, w, k1 === k2]).toEqual(['r', 'w', true]);
      expect([0, 1, 2]).toContain(k1);
    }
    const final = simulate(lostUpdate.finalGenerator!(test, Random.fromSeed(1), []), { concurrency: 1 }).filter((o) => o.type === 'invoke');
    expect(final.map((o) => o.value)).toEqual([[['r', 0, null], ['r', 1, null], ['r', 2, null]]]);
  });

  it('transfers between two distinct accounts, within maxTransfer', () => {
    const test = spec({ options: { accounts: 3, maxTransfer: 2 } });
    const ops = invocations(bank, test, 5, 600);
    expect(new Set(ops.map((o) => o.f))).toEqual(new Set(['read', 'transfer']));
    for (const op of ops.filter((o) => o.f === 'transfer')) {
      const { from, to, amount } = op.value as { from: number; to: number; amount: number };
      expect(from).not.toBe(to);
      expect([from, to].every((a) => a >= 0 && a < 3)).toBe(true);
      expect(amount).toBeGreaterThanOrEqual(1);
      expect(amount).toBeLessThanOrEqual(2);
    }
  });
});

describe('2pc-bank generator', () => {
  it('only moves money across shards, sometimes crashes the coordinator, and recovers every recoverEvery seconds', () => {
    const test = spec({ nodes: 3, options: { coordinatorCrashes: 0.2, recoverEvery: 1 } });
    const ops = simulate(twoPcBank.generator(test, Random.fromSeed(9)), { concurrency: 4, maxTime: 10e9, latency: () => 5e6 }).filter((o) => o.type === 'invoke');
    const transfers = ops.filter((o) => o.f === 'transfer').map((o) => o.value as { from: number; to: number; crash?: string });
    expect(transfers.every((t) => shardIndex(t.from, 3, 8) !== shardIndex(t.to, 3, 8))).toBe(true);
    expect(Array.from({ length: 8 }, (_, a) => shardIndex(a, 3, 8))).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
    expect(new Set(transfers.map((t) => t.crash))).toEqual(new Set([undefined, 'after-prepare', 'after-decision']));
    const recovers = ops.filter((o) => o.f === 'recover').map((o) => o.time / 1e9);
    expect(recovers.length).toBeGreaterThanOrEqual(9);
    expect(recovers.length).toBeLessThanOrEqual(11);
    const final = simulate(twoPcBank.finalGenerator!(test, Random.fromSeed(1), []), { concurrency: 4 }).filter((o) => o.type === 'invoke');
    expect(final.map((o) => o.f)).toEqual(['recover', 'read', 'ledger']);
  });
});
