import type { NodeInfo } from '../../harness/cluster.ts';
import type { Row, SqlDialect, SqlErrorInfo, SqlSession } from '../../workloads/sql/sql-dialect.ts';

/** One shard's committed state and its prepared transactions. */
export interface FakeShard {
  balances: Map<number, number>;
  applied: { gid: string; account: number; delta: number }[];
  prepared: Map<string, Change[]>;
}

type Change = { kind: 'balance'; account: number; delta: number } | { kind: 'applied'; gid: string; account: number; delta: number } | { kind: 'insert'; account: number; balance: number };

/** A failure the test injects: the statement on that shard throws (a lost connection, a refused PREPARE…). */
export type Inject = (shard: string, sql: string) => Error | undefined;

/**
 * An in-memory stand-in for a SQL database with prepared transactions, speaking exactly the
 * statements the 2PC coordinator sends (nothing else parses): enough to check the coordinator's
 * decisions — what it prepares, commits, rolls back and recovers — against shards whose failures
 * the test chooses. Every node of the cluster is a shard; state survives connections, as a
 * server's does.
 */
export class FakeSqlDatabase {
  readonly shards = new Map<string, FakeShard>();
  /** Every statement, as `shard: sql`. */
  readonly log: string[] = [];
  inject: Inject = () => undefined;

  shard(name: string): FakeShard {
    let s = this.shards.get(name);
    if (!s) this.shards.set(name, (s = { balances: new Map(), applied: [], prepared: new Map() }));
    return s;
  }

  readonly dialect: SqlDialect = {
    name: 'fake-sql',
    connect: async (node: NodeInfo) => new FakeSession(this, node.name),
    param: (i) => `$${i}`,
    upsert: () => {
      throw new Error('not used by 2PC');
    },
    appendUpsert: () => {
      throw new Error('not used by 2PC');
    },
    classify: (err): SqlErrorInfo => ({ kind: /connection/.test(String(err)) ? 'connection' : 'rejected', message: String((err as Error).message ?? err) }),
    commitErrorIsDefinite: () => false,
    preparedTransactions: {
      prepare: (gid) => `PREPARE ${gid}`,
      commit: (gid) => `COMMIT PREPARED ${gid}`,
      rollback: (gid) => `ROLLBACK PREPARED ${gid}`,
      listPrepared: (prefix) => `LIST PREPARED ${prefix}`,
      isUnknownGid: (err) => /no prepared transaction/.test(String(err)),
    },
  };

  /** The total over every shard's committed balances. */
  total(): number {
    let t = 0;
    for (const s of this.shards.values()) for (const b of s.balances.values()) t += b;
    return t;
  }
}

class FakeSession implements SqlSession {
  alive = true;
  private txn: Change[] | undefined;

  constructor(
    private readonly db: FakeSqlDatabase,
    private readonly name: string,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (!this.alive) throw new Error('connection terminated');
    this.db.log.push(`${this.name}: ${sql}`);
    const injected = this.db.inject(this.name, sql);
    if (injected) {
      if (/connection/.test(injected.message)) this.destroy();
      throw injected;
    }
    const shard = this.db.shard(this.name);
    const p = params.map(Number);
    let m: RegExpExecArray | null;
    if (sql === 'BEGIN') this.txn = [];
    else if (sql === 'COMMIT') this.apply(shard, this.end());
    else if (sql === 'ROLLBACK') this.end();
    else if (sql.startsWith('CREATE TABLE')) return [];
    else if (sql.startsWith('INSERT INTO accounts')) this.change(shard, { kind: 'insert', account: p[0]!, balance: p[1]! });
    else if (sql.startsWith('UPDATE accounts SET balance = balance +')) {
      const [delta, account] = [p[0]!, p[1]!];
      const pending = (this.txn ?? []).reduce((sum, c) => sum + (c.kind === 'balance' && c.account === account ? c.delta : 0), 0);
      const balance = shard.balances.get(account);
      if (balance === undefined || balance + pending + delta < 0) return [];
      this.change(shard, { kind: 'balance', account, delta });
      return [{ balance: balance + pending + delta }];
    } else if (sql.startsWith('INSERT INTO applied')) this.change(shard, { kind: 'applied', gid: String(params[0]), account: p[1]!, delta: p[2]! });
    else if ((m = /^PREPARE (\S+)$/.exec(sql))) shard.prepared.set(m[1]!, this.end());
    else if ((m = /^(COMMIT|ROLLBACK) PREPARED (\S+)$/.exec(sql))) {
      const changes = shard.prepared.get(m[2]!);
      if (!changes) throw new Error(`no prepared transaction ${m[2]}`);
      shard.prepared.delete(m[2]!);
      if (m[1] === 'COMMIT') this.apply(shard, changes);
    } else if ((m = /^LIST PREPARED (\S+)$/.exec(sql))) return [...shard.prepared.keys()].filter((g) => g.startsWith(m![1]!)).map((gid) => ({ gid, held_ms: 1 }));
    else if (sql.startsWith('SELECT id, balance FROM accounts')) return [...shard.balances].sort(([a], [b]) => a - b).map(([id, balance]) => ({ id, balance }));
    else if (sql.startsWith('SELECT gid, account, delta FROM applied')) return [...shard.applied].sort((a, b) => a.gid.localeCompare(b.gid));
    else throw new Error(`the fake SQL database does not know ${JSON.stringify(sql)}`);
    return [];
  }

  destroy(): void {
    this.alive = false;
    this.txn = undefined;
  }

  private change(shard: FakeShard, c: Change): void {
    if (this.txn) this.txn.push(c);
    else this.apply(shard, [c]);
  }

  private end(): Change[] {
    const t = this.txn ?? [];
    this.txn = undefined;
    return t;
  }

  private apply(shard: FakeShard, changes: readonly Change[]): void {
    for (const c of changes) {
      if (c.kind === 'insert') shard.balances.set(c.account, c.balance);
      else if (c.kind === 'balance') shard.balances.set(c.account, shard.balances.get(c.account)! + c.delta);
      else shard.applied.push({ gid: c.gid, account: c.account, delta: c.delta });
    }
  }
}
