import pg from 'pg';
import type { Socket } from 'node:net';
import type { NodeInfo } from '../../harness/cluster.ts';
import { errorMessage, isConnectionError, SqlTimeout, withDeadline, type Isolation, type Row, type SessionOptions, type SqlDialect, type SqlErrorInfo, type SqlSession } from '../../workloads/sql/sql-dialect.ts';

/** PostgreSQL's port on every node. */
export const POSTGRES_PORT = 5432;

/** How every client reaches a node: password auth over the run's network. */
export const POSTGRES_CREDENTIALS = { user: 'faultline', password: 'faultline', database: 'faultline' } as const;

/** pg connection settings for `node` (the node's own address, never localhost). */
export function postgresConnection(node: NodeInfo, database: string = POSTGRES_CREDENTIALS.database): pg.ClientConfig {
  return { host: node.ip, port: POSTGRES_PORT, user: POSTGRES_CREDENTIALS.user, password: POSTGRES_CREDENTIALS.password, database, connectionTimeoutMillis: 2_000 };
}

const LEVEL: Record<Isolation, string> = { 'read-committed': 'READ COMMITTED', 'repeatable-read': 'REPEATABLE READ', serializable: 'SERIALIZABLE' };

/** A pg connection with per-statement deadlines. */
class PostgresSession implements SqlSession {
  private lost = false;

  constructor(
    private readonly client: pg.Client,
    private readonly timeoutMs: number,
  ) {
    // A connection that breaks while idle must not crash the controller; the next query sees it.
    client.on('error', () => (this.lost = true));
    client.on('end', () => (this.lost = true));
  }

  get alive(): boolean {
    return !this.lost;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (this.lost) throw new Error('Connection terminated: the session was closed earlier');
    try {
      const result = await withDeadline(this.client.query(sql, params as unknown[]), this.timeoutMs, sql.split(/\s+/)[0] ?? sql, () => this.destroy());
      return result.rows as Row[];
    } catch (err) {
      if (err instanceof SqlTimeout || isConnectionError(err)) this.lost = true;
      throw err;
    }
  }

  destroy(): void {
    this.lost = true;
    // Not end(): that waits for the server, which may be paused. Dropping the socket is at once.
    (this.client.connection as unknown as { stream?: Socket }).stream?.destroy();
  }
}

/** SQLSTATEs (PostgreSQL appendix A). */
const KIND_BY_CODE: Record<string, SqlErrorInfo['kind']> = {
  '40001': 'serialization-failure',
  '40P01': 'deadlock',
  '55P03': 'lock-timeout',
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',

  async connect(node: NodeInfo, options: SessionOptions): Promise<SqlSession> {
    const client = new pg.Client(postgresConnection(node));
    client.on('error', () => {});
    try {
      await withDeadline(client.connect(), options.statementTimeoutMs, 'connect', () => void client.end().catch(() => {}));
      const session = new PostgresSession(client, options.statementTimeoutMs);
      await session.query(`SET lock_timeout = ${Math.round(options.lockTimeoutMs)}`);
      if (options.isolation) await session.query(`SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ${LEVEL[options.isolation]}`);
      return session;
    } catch (err) {
      void client.end().catch(() => {});
      throw err;
    }
  },

  param: (i) => `$${i}`,

  upsert: (table, key, column) => `INSERT INTO ${table} AS t (${key}, ${column}) VALUES ($1, $2) ON CONFLICT (${key}) DO UPDATE SET ${column} = excluded.${column}`,

  appendUpsert: (table, key, column) =>
    `INSERT INTO ${table} AS t (${key}, ${column}) VALUES ($1, $2) ON CONFLICT (${key}) DO UPDATE SET ${column} = t.${column} || ',' || excluded.${column}`,

  classify(err: unknown): SqlErrorInfo {
    const message = errorMessage(err);
    if (err instanceof SqlTimeout) return { kind: 'timeout', message };
    const code = (err as { code?: unknown })?.code;
    if (err instanceof pg.DatabaseError && typeof code === 'string') {
      // Class 08 and the shutdown codes end the connection: as good as a lost connection.
      if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return { kind: 'connection', code, message };
      return { kind: KIND_BY_CODE[code] ?? 'rejected', code, message };
    }
    if (isConnectionError(err)) return { kind: 'connection', ...(typeof code === 'string' ? { code } : {}), message };
    return { kind: 'unknown', message };
  },

  // Class 40 (rollback: serialization, deadlock) and 23 (a deferred constraint) at COMMIT mean
  // the server rolled back. Anything else there may have come after the commit record.
  commitErrorIsDefinite: (info) => info.code !== undefined && /^(40|23)/.test(info.code),

  preparedTransactions: {
    prepare: (gid) => `PREPARE TRANSACTION '${gid}'`,
    commit: (gid) => `COMMIT PREPARED '${gid}'`,
    rollback: (gid) => `ROLLBACK PREPARED '${gid}'`,
    listPrepared: (prefix) =>
      `SELECT gid, (extract(epoch FROM now() - prepared) * 1000)::float8 AS held_ms FROM pg_prepared_xacts WHERE gid LIKE '${prefix}%' AND database = current_database() ORDER BY prepared`,
    // 42704 undefined_object: no prepared transaction of that gid.
    isUnknownGid: (err) => (err as { code?: unknown })?.code === '42704',
  },
};
