import { join } from 'node:path';
import type { Cluster, NodeInfo } from '../../harness/cluster.ts';
import type { Client, ClientRun, Completion, Invocation } from '../../harness/client.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { initialBalances } from '../bank/bank-sql.ts';
import { sessionOptions } from '../sql/sql-options.ts';
import type { SessionOptions, SqlDialect, SqlSession } from '../sql/sql-dialect.ts';
import { Coordinator, type ShardedTransfer, type Shards } from './coordinator.ts';
import { DecisionLog } from './decision-log.ts';
import { twoPcOptions } from './two-pc-options.ts';

/** The decision log's file in the run folder. */
export const DECISION_LOG = '2pc-decisions.jsonl';

/**
 * Accounts are range-partitioned over the shards (nodes n1…nN in order), so ascending account
 * order is also shard order: transfers lock their two accounts in ascending order and reads lock
 * shard by shard, and no two of them can wait on each other across shards (no distributed
 * deadlock, which no single shard could detect).
 */
export function shardIndex(account: number, shards: number, accounts: number): number {
  return Math.min(shards - 1, Math.floor((account * shards) / accounts));
}

/** One connection per shard, replaced when it breaks. */
class ShardSessions implements Shards {
  private readonly sessions = new Map<string, SqlSession>();
  readonly names: readonly string[];

  constructor(
    private readonly sql: SqlDialect,
    private readonly nodes: readonly NodeInfo[],
    private readonly accounts: number,
    private readonly options: SessionOptions,
  ) {
    this.names = nodes.map((n) => n.name);
  }

  of(account: number): string {
    return this.names[shardIndex(account, this.names.length, this.accounts)]!;
  }

  async session(shard: string): Promise<SqlSession> {
    const s = this.sessions.get(shard);
    if (s?.alive) return s;
    const node = this.nodes.find((n) => n.name === shard);
    if (!node) throw new Error(`no shard ${shard}`);
    const fresh = await this.sql.connect(node, this.options);
    this.sessions.set(shard, fresh);
    return fresh;
  }

  close(): void {
    for (const s of this.sessions.values()) s.destroy();
    this.sessions.clear();
  }
}

/**
 * The 2pc-bank client: every node is a shard (a server of a database with prepared
 * transactions), and each client is a coordinator with connections to all of them, sharing the
 * run's decision log. Ops: `transfer`, `read`, `recover` (resolve in-doubt transactions per the
 * log) and `ledger` (final evidence).
 */
export class TwoPcClient implements Client {
  private shards: ShardSessions | undefined;
  private coordinator: Coordinator | undefined;
  private test: TestSpec | undefined;

  constructor(private readonly sql: SqlDialect) {}

  async open(cluster: Cluster, test: TestSpec, _node: string, run?: ClientRun): Promise<void> {
    if (!run) throw new Error('the 2pc-bank client needs the run folder for its decision log');
    this.test = test;
    const o = twoPcOptions(test);
    this.shards = new ShardSessions(this.sql, cluster.nodes, o.accounts, sessionOptions(test));
    this.coordinator = new Coordinator(DecisionLog.open(join(run.dir, DECISION_LOG)), this.shards, this.sql, o.prepareHoldMs);
  }

  /** Tables and accounts on every shard, then a recovery pass (what a restarted coordinator does first). */
  async setup(): Promise<void> {
    const shards = this.shards!;
    const o = twoPcOptions(this.test!);
    const balances = initialBalances(o.accounts, o.totalAmount);
    for (const [i, name] of shards.names.entries()) {
      const s = await shards.session(name);
      await s.query('CREATE TABLE IF NOT EXISTS accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
      await s.query('CREATE TABLE IF NOT EXISTS applied (gid TEXT NOT NULL, account INT NOT NULL, delta INT NOT NULL, PRIMARY KEY (gid, account))');
      const mine = balances.map((b, a) => [a, b] as const).filter(([a]) => shardIndex(a, shards.names.length, o.accounts) === i);
      for (const [a, b] of mine) await s.query(`INSERT INTO accounts (id, balance) VALUES (${this.sql.param(1)}, ${this.sql.param(2)})`, [a, b]);
    }
    await this.coordinator!.recover();
  }

  async invoke(op: Invocation): Promise<Completion> {
    const c = this.coordinator;
    if (!c) throw new Error('invoke before open');
    switch (op.f) {
      case 'transfer':
        return c.transfer(op.value as ShardedTransfer);
      case 'read':
        return c.read();
      case 'recover':
        return c.recover();
      case 'ledger':
        return c.ledger();
      default:
        return { type: 'fail', value: op.value, error: `the 2pc-bank client does transfer, read, recover and ledger, not ${JSON.stringify(op.f)}` };
    }
  }

  async close(): Promise<void> {
    this.shards?.close();
  }
}
