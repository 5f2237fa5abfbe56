import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Completion } from '../../harness/client.ts';
import { defineSpec } from '../../harness/test-spec.ts';
import { FakeCluster } from '../../test/support/fake-cluster.ts';
import { FakeSqlDatabase, type Inject } from '../../test/support/fake-sql.ts';
import { DecisionLog } from './decision-log.ts';
import { DECISION_LOG, TwoPcClient } from './two-pc-client.ts';

// The coordinator's decisions on two fake shards (accounts 0 and 1 on n1, 2 and 3 on n2): what it
// prepares, commits, rolls back and leaves to recovery, with the failures injected where 2PC is
// hard. two-pc.int.test.ts runs the same protocol on real PostgreSQL shards.

const test = (options: Record<string, unknown> = {}) =>
  defineSpec({
    name: '2pc-unit', db: 'fake-sql', workload: '2pc-bank', nodes: 2, concurrency: 1, rate: 1, timeLimit: 1,
    nemesis: [], nemesisInterval: 1, recovery: 1, seed: 1, options: { accounts: 4, totalAmount: 400, ...options },
  }); // prettier-ignore

async function shards(options: Record<string, unknown> = {}) {
  const db = new FakeSqlDatabase();
  const cluster = new FakeCluster('r', 2);
  const dir = mkdtempSync(join(tmpdir(), 'faultline-2pc-'));
  const open = async () => {
    const client = new TwoPcClient(db.dialect);
    await client.open(cluster, test(options), 'n1', { dir });
    return client;
  };
  const client = await open();
  await client.setup();
  const op = (f: string, value: unknown = null): Promise<Completion> => client.invoke({ f, value });
  const balance = (shard: string, account: number) => db.shard(shard).balances.get(account);
  const decisions = () => readFileSync(join(dir, DECISION_LOG), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { gid: string; decision: string });
  const inject = (fn: Inject) => {
    db.inject = fn;
  };
  return { db, dir, op, open, balance, decisions, inject, prepared: (shard: string) => [...db.shard(shard).prepared.keys()] };
}

const transfer = { from: 0, to: 2, amount: 30 };

describe('2PC coordinator decisions', () => {
  it('commit: both shards prepare, commit is logged, then both commit; nothing stays in doubt', async () => {
    const s = await shards();
    const done = await s.op('transfer', transfer);
    expect(done.type).toBe('ok');
    const gid = (done.value as { gid: string }).gid;
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([70, 130]);
    expect(s.db.total()).toBe(400);
    expect([s.prepared('n1'), s.prepared('n2')]).toEqual([[], []]);
    expect(s.decisions()).toEqual([{ gid, decision: 'commit', at: expect.any(Number) }]);
    // The decision was on disk before the first COMMIT PREPARED.
    const firstCommit = s.db.log.findIndex((l) => l.includes(`COMMIT PREPARED ${gid}`));
    const prepares = s.db.log.filter((l, i) => i < firstCommit && l.includes(`PREPARE ${gid}`));
    expect(prepares.sort()).toEqual([`n1: PREPARE ${gid}`, `n2: PREPARE ${gid}`]);
  });

  it('a shard refusing PREPARE decides abort: fail, the other shard rolled back at once, balances untouched', async () => {
    const s = await shards();
    s.inject((shard, sql) => (shard === 'n2' && sql.startsWith('PREPARE') ? new Error('could not serialize access') : undefined));
    const done = await s.op('transfer', transfer);
    expect(done.type).toBe('fail');
    expect(done.error).toBe('prepare failed, aborted: n2: rejected: could not serialize access');
    expect(s.decisions().map((d) => d.decision)).toEqual(['abort']);
    expect([s.prepared('n1'), s.prepared('n2')]).toEqual([[], []]);
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([100, 100]);
  });

  it('insufficient funds aborts before anything is prepared', async () => {
    const s = await shards();
    const done = await s.op('transfer', { from: 0, to: 2, amount: 101 });
    expect(done).toMatchObject({ type: 'fail', error: 'aborted: insufficient funds in account 0 for 101' });
    expect(s.db.log.filter((l) => /: PREPARE /.test(l))).toEqual([]);
    expect(s.db.total()).toBe(400);
  });

  it('a coordinator crash after PREPARE is info; recovery presumes abort and rolls both shards back', async () => {
    const s = await shards();
    const done = await s.op('transfer', { ...transfer, crash: 'after-prepare' });
    expect(done.type).toBe('info');
    const gid = (done.value as { gid: string }).gid;
    expect([s.prepared('n1'), s.prepared('n2')]).toEqual([[gid], [gid]]);
    const recovered = await s.op('recover');
    expect((recovered.value as { resolved: { shard: string; decision: string }[] }).resolved.map((r) => [r.shard, r.decision])).toEqual([
      ['n1', 'abort'],
      ['n2', 'abort'],
    ]);
    expect(s.decisions()).toEqual([{ gid, decision: 'abort', at: expect.any(Number) }]);
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([100, 100]);
  });

  it('a coordinator crash after logging commit is info; recovery commits both shards, as the log says', async () => {
    const s = await shards();
    const done = await s.op('transfer', { ...transfer, crash: 'after-decision' });
    expect(done.type).toBe('info');
    await s.op('recover');
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([70, 130]);
    expect([s.prepared('n1'), s.prepared('n2')]).toEqual([[], []]);
    const ledger = (await s.op('ledger')).value as { applied: Record<string, { account: number }[]>; inDoubt: Record<string, string[]> };
    expect(ledger.applied.n1!.map((r) => r.account)).toEqual([0]);
    expect(ledger.applied.n2!.map((r) => r.account)).toEqual([2]);
    expect(ledger.inDoubt).toEqual({ n1: [], n2: [] });
  });

  it('once commit is logged the transfer is ok, even when a shard loses its connection at COMMIT PREPARED; recovery finishes it', async () => {
    const s = await shards();
    s.inject((shard, sql) => (shard === 'n2' && sql.startsWith('COMMIT PREPARED') ? new Error('connection reset') : undefined));
    const done = await s.op('transfer', transfer);
    expect(done.type).toBe('ok');
    expect((done.value as { pending?: string[] }).pending).toEqual(['n2']);
    expect(s.balance('n2', 2)).toBe(100);
    expect(s.prepared('n2')).toHaveLength(1);
    s.inject(() => undefined);
    await s.op('recover');
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([70, 130]);
    expect(s.db.total()).toBe(400);
  });

  it('recovery leaves a transaction a live coordinator is still deciding, and the coordinator then commits it', async () => {
    const s = await shards({ prepareHoldMs: 200 });
    const pending = s.op('transfer', transfer);
    while (s.prepared('n2').length === 0) await new Promise((r) => setTimeout(r, 5));
    // A second coordinator of the same run (the same decision log) recovers meanwhile.
    const other = await s.open();
    const recovered = await other.invoke({ f: 'recover', value: null });
    expect(recovered.value).toMatchObject({ resolved: [], skipped: 2 });
    expect((await pending).type).toBe('ok');
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([70, 130]);
  });

  it('the first decision wins: a transfer whose transaction was decided abort meanwhile rolls back and fails', async () => {
    const s = await shards({ prepareHoldMs: 200 });
    const pending = s.op('transfer', transfer);
    while (s.prepared('n2').length === 0) await new Promise((r) => setTimeout(r, 5));
    const gid = s.prepared('n2')[0]!;
    // Abort on record first, as a recovery that took the coordinator for dead would leave it.
    DecisionLog.open(join(s.dir, DECISION_LOG)).decide(gid, 'abort');
    expect(await pending).toMatchObject({ type: 'fail', error: 'recovery decided abort first' });
    expect(s.decisions().map((d) => d.decision)).toEqual(['abort']);
    expect([s.prepared('n1'), s.prepared('n2')]).toEqual([[], []]);
    expect(s.db.total()).toBe(400);
    expect([s.balance('n1', 0), s.balance('n2', 2)]).toEqual([100, 100]);
  });
});
