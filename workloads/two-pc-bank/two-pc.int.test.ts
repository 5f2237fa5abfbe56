import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerCluster } from '../../docker/docker-cluster.ts';
import { PostgresDatabase } from '../../docker/postgres/postgres-database.ts';
import type { Completion } from '../../harness/client.ts';
import { defineSpec } from '../../harness/test-spec.ts';
import { DecisionLog } from './decision-log.ts';
import { DECISION_LOG, TwoPcClient } from './two-pc-client.ts';

const test = defineSpec({
  name: '2pc-int', db: 'postgres', workload: '2pc-bank', nodes: 2, concurrency: 1, rate: 1, timeLimit: 1,
  nemesis: [], nemesisInterval: 1, recovery: 1, seed: 1, options: { accounts: 4, totalAmount: 400, lockTimeoutMs: 1_000 },
}); // prettier-ignore

interface Ledger {
  applied: Record<string, { gid: string; account: number }[]>;
  inDoubt: Record<string, string[]>;
}

const sum = (balances: unknown) => Object.values(balances as Record<string, number>).reduce((a, b) => a + b, 0);

/**
 * The coordinator on two real PostgreSQL shards: commits, aborts, coordinator crashes at both
 * points that matter, a shard crash while prepared, and recovery per the decision log.
 */
describe('2PC coordinator on two PostgreSQL shards', () => {
  const db = new PostgresDatabase();
  const dir = mkdtempSync(join(tmpdir(), '2pc-run-'));
  let cluster: DockerCluster;
  let client: TwoPcClient;
  const op = (f: string, value: unknown = null): Promise<Completion> => client.invoke({ f, value });
  const appliedGids = async () => {
    const l = (await op('ledger')).value as Ledger;
    return { l, gids: (shard: string) => l.applied[shard]!.map((r) => r.gid) };
  };

  beforeAll(async () => {
    cluster = await DockerCluster.create({ image: db.image, nodes: 2 });
    await db.setup(cluster, test);
    client = new TwoPcClient(db.sql);
    await client.open(cluster, test, 'n1', { dir });
    await client.setup();
  });

  afterAll(async () => {
    await client?.close();
    DecisionLog.open(join(dir, DECISION_LOG)).close();
    await cluster?.teardown();
  });

  it('commits a cross-shard transfer on both shards and records the decision', async () => {
    const done = await op('transfer', { from: 0, to: 2, amount: 10 });
    expect(done.type).toBe('ok');
    const { gid, heldMs } = done.value as { gid: string; heldMs: number };
    expect(heldMs).toBeLessThan(1_000);
    expect(DecisionLog.open(join(dir, DECISION_LOG)).decision(gid)).toBe('commit');
    const read = await op('read');
    expect(read.value).toMatchObject({ 0: 90, 2: 110 });
    expect(sum(read.value)).toBe(400);
    const { gids } = await appliedGids();
    expect(gids('n1')).toContain(gid);
    expect(gids('n2')).toContain(gid);
  });

  it('fails, and applies nothing, when a shard lacks the funds', async () => {
    const done = await op('transfer', { from: 2, to: 0, amount: 1_000 });
    expect(done).toMatchObject({ type: 'fail', error: expect.stringMatching(/^aborted: insufficient funds in account 2/) });
    expect(sum((await op('read')).value)).toBe(400);
  });

  it('leaves a transaction in doubt when the coordinator dies after PREPARE: readers block on its locks until recovery aborts it', async () => {
    const crashed = await op('transfer', { from: 0, to: 2, amount: 5, crash: 'after-prepare' });
    expect(crashed.type).toBe('info');
    const gid = (crashed.value as { gid: string }).gid;
    expect((await appliedGids()).l.inDoubt).toEqual({ n1: [gid], n2: [gid] });
    expect(await op('read')).toMatchObject({ type: 'fail', error: expect.stringMatching(/^lock-timeout \(55P03\)/) });
    const recovered = await op('recover');
    expect((recovered.value as { resolved: { gid: string; decision: string }[] }).resolved).toEqual([
      expect.objectContaining({ gid, shard: 'n1', decision: 'abort' }),
      expect.objectContaining({ gid, shard: 'n2', decision: 'abort' }),
    ]);
    const { l, gids } = await appliedGids();
    expect(l.inDoubt).toEqual({ n1: [], n2: [] });
    expect([...gids('n1'), ...gids('n2')]).not.toContain(gid);
    expect(sum((await op('read')).value)).toBe(400);
  });

  it('commits after a shard crash while prepared, when the coordinator had logged commit', async () => {
    const crashed = await op('transfer', { from: 1, to: 2, amount: 7, crash: 'after-decision' });
    const gid = (crashed.value as { gid: string }).gid;
    await db.kill(cluster, 'n2');
    await db.start(cluster, 'n2'); // the prepared transaction survives the crash
    const recovered = (await op('recover')).value as { resolved: { gid: string; decision: string; heldMs: number }[] };
    expect(recovered.resolved.map((r) => [r.gid, r.decision])).toEqual([
      [gid, 'commit'],
      [gid, 'commit'],
    ]);
    expect(Math.max(...recovered.resolved.map((r) => r.heldMs))).toBeGreaterThan(100);
    const { gids } = await appliedGids();
    expect(gids('n1')).toContain(gid);
    expect(gids('n2')).toContain(gid);
    expect(sum((await op('read')).value)).toBe(400);
  });

  it('fails a transfer whose shard is down, and leaves nothing behind', async () => {
    await db.kill(cluster, 'n1');
    const done = await op('transfer', { from: 0, to: 2, amount: 1 });
    expect(done.type).toBe('fail');
    await db.start(cluster, 'n1');
    await op('recover');
    expect((await appliedGids()).l.inDoubt).toEqual({ n1: [], n2: [] });
    expect(sum((await op('read')).value)).toBe(400);
  });
});
