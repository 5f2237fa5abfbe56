import mysql from 'mysql2/promise';
import type { NodeInfo } from '../../harness/cluster.ts';
import { errorMessage, isConnectionError, SqlTimeout, withDeadline, type Isolation, type Row, type SessionOptions, type SqlDialect, type SqlErrorInfo, type SqlSession } from '../../workloads/sql/sql-dialect.ts';

/** MariaDB's port on every node. */
export const MARIADB_PORT = 3306;

/** How every client reaches a node: password auth over the run's network. */
export const MARIADB_CREDENTIALS = { user: 'faultline', password: 'faultline', database: 'faultline' } as const;

/** mysql2 connection settings for `node` (the node's own address, never localhost). */
export function mariadbConnection(node: NodeInfo): mysql.ConnectionOptions {
  return { host: node.ip, port: MARIADB_PORT, ...MARIADB_CREDENTIALS, connectTimeout: 2_000 };
}

const LEVEL: Record<Isolation, string> = { 'read-committed': 'READ COMMITTED', 'repeatable-read': 'REPEATABLE READ', serializable: 'SERIALIZABLE' };

/** A mysql2 connection with per-statement deadlines. */
class MariadbSession implements SqlSession {
  private lost = false;

  constructor(
    private readonly connection: mysql.Connection,
    private readonly timeoutMs: number,
  ) {
    connection.on('error', () => (this.lost = true));
    connection.on('end', () => (this.lost = true));
  }

  get alive(): boolean {
    return !this.lost;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (this.lost) throw new Error("Can't add new command when connection is in closed state");
    try {
      const [rows] = await withDeadline(this.connection.query(sql, params as ({} | null)[]), this.timeoutMs, sql.split(/\s+/)[0] ?? sql, () => this.destroy());
      return Array.isArray(rows) ? (rows as Row[]) : [];
    } catch (err) {
      if (err instanceof SqlTimeout || isConnectionError(err) || (err as { fatal?: boolean }).fatal === true) this.lost = true;
      throw err;
    }
  }

  destroy(): void {
    this.lost = true;
    this.connection.destroy();
  }
}

/** MariaDB error numbers. */
const KIND_BY_ERRNO: Record<number, SqlErrorInfo['kind']> = {
  1213: 'deadlock', // ER_LOCK_DEADLOCK: the transaction was rolled back
  1205: 'lock-timeout', // ER_LOCK_WAIT_TIMEOUT: the statement was rolled back
  1020: 'serialization-failure', // ER_CHECKREAD: innodb_snapshot_isolation's write conflict
};

export const mariadbDialect: SqlDialect = {
  name: 'mariadb',

  async connect(node: NodeInfo, options: SessionOptions): Promise<SqlSession> {
    const connection = await mysql.createConnection({ ...mariadbConnection(node), connectTimeout: options.statementTimeoutMs });
    const session = new MariadbSession(connection, options.statementTimeoutMs);
    try {
      await session.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs / 1000))}`);
      if (options.isolation) await session.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${LEVEL[options.isolation]}`);
      return session;
    } catch (err) {
      session.destroy();
      throw err;
    }
  },

  param: () => '?',

  upsert: (table, key, column) => `INSERT INTO ${table} (${key}, ${column}) VALUES (?, ?) ON DUPLICATE KEY UPDATE ${column} = VALUES(${column})`,

  appendUpsert: (table, key, column) => `INSERT INTO ${table} (${key}, ${column}) VALUES (?, ?) ON DUPLICATE KEY UPDATE ${column} = CONCAT(${column}, ',', VALUES(${column}))`,

  classify(err: unknown): SqlErrorInfo {
    const message = errorMessage(err);
    if (err instanceof SqlTimeout) return { kind: 'timeout', message };
    const e = err as { errno?: unknown; sqlState?: unknown; fatal?: unknown; code?: unknown };
    if (isConnectionError(err) || e?.fatal === true) return { kind: 'connection', ...(typeof e?.code === 'string' ? { code: e.code } : {}), message };
    if (typeof e?.errno === 'number' && typeof e.sqlState === 'string') {
      const kind = KIND_BY_ERRNO[e.errno] ?? (e.sqlState === '40001' ? 'serialization-failure' : 'rejected');
      return { kind, code: String(e.errno), message };
    }
    return { kind: 'unknown', message };
  },

  // Deadlock, lock wait timeout and write conflict are reported before anything is committed.
  commitErrorIsDefinite: (info) => info.code !== undefined && ['1213', '1205', '1020'].includes(info.code),
};
