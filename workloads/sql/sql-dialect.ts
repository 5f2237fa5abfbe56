import type { NodeInfo } from '../../harness/cluster.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { errorText } from '../../harness/errors.ts';

export type Isolation = NonNullable<TestSpec['isolation']>;
export const ISOLATIONS: readonly Isolation[] = ['read-committed', 'repeatable-read', 'serializable'];

export type Row = Record<string, unknown>;

/**
 * One connection to one SQL server. Every statement has a deadline: past it the connection is
 * dropped (a paused server never answers) and the statement rejects with a `SqlTimeout`.
 */
export interface SqlSession {
  /** One statement; positional parameters (`$1` or `?`, per the dialect's `param`). */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Whether the connection is still usable (not dropped, not timed out, not lost). */
  readonly alive: boolean;
  /** Drops the connection at once, without a goodbye to the server. */
  destroy(): void;
}

export interface SessionOptions {
  isolation: Isolation | undefined;
  /** Client-side deadline of every statement. */
  statementTimeoutMs: number;
  /** Server-side lock wait limit, so a blocked statement fails cleanly before the deadline. */
  lockTimeoutMs: number;
}

/** Why a statement failed, as far as the error itself says. */
export type SqlErrorKind =
  /** 40001, InnoDB 1020 (write conflict): the server aborted the transaction. */
  | 'serialization-failure'
  /** 40P01, 1213: chosen as a deadlock victim, rolled back. */
  | 'deadlock'
  /** 55P03, 1205: a lock wait gave up. */
  | 'lock-timeout'
  /** Any other error the server sent back in answer to the statement. */
  | 'rejected'
  /** No answer within the deadline; the connection was dropped. */
  | 'timeout'
  /** The connection broke (reset, closed, refused) or could not be made. */
  | 'connection'
  /** Anything else (not from the server, not the connection). */
  | 'unknown';

export interface SqlErrorInfo {
  kind: SqlErrorKind;
  /** SQLSTATE or the server's error number, when the server answered. */
  code?: string;
  message: string;
}

/**
 * The SQL capability a database offers every SQL workload (`sql` on the database, see
 * {@link SqlCapable}): connecting (with the isolation level set for every transaction of the
 * session), placeholders, upserts and what its errors mean. The workloads' clients are written
 * once against this; a database that offers it runs them all.
 */
export interface SqlDialect {
  /** For messages: `postgres`, `mariadb`… */
  readonly name: string;
  connect(node: NodeInfo, options: SessionOptions): Promise<SqlSession>;
  /** The i-th (1-based) positional placeholder. */
  param(i: number): string;
  /** `INSERT … ON CONFLICT/DUPLICATE KEY` that sets `column` to `value` for `key`. */
  upsert(table: string, keyColumn: string, column: string): string;
  /** The same, appending `,value` to a text column (creating it as `value`). */
  appendUpsert(table: string, keyColumn: string, column: string): string;
  classify(err: unknown): SqlErrorInfo;
  /**
   * Whether a server error answering COMMIT proves the transaction rolled back. Anything else
   * during COMMIT (a lost connection, a timeout, an unknown error) leaves the outcome unknown.
   */
  commitErrorIsDefinite(info: SqlErrorInfo): boolean;
  /** Two-phase commit across servers, when the database has it (the 2pc-bank workload needs it). */
  readonly preparedTransactions?: PreparedTransactions;
}

/** Statements of two-phase commit (PostgreSQL's PREPARE TRANSACTION / COMMIT PREPARED). */
export interface PreparedTransactions {
  /** Ends the open transaction by preparing it as `gid`. */
  prepare(gid: string): string;
  commit(gid: string): string;
  rollback(gid: string): string;
  /**
   * A query answering rows `{ gid, held_ms }`: this database's prepared transactions whose gid
   * starts with `prefix`, oldest first, with how long each has been held (the server's clock).
   */
  listPrepared(prefix: string): string;
  /** The error says there is no prepared transaction of that gid (another recovery resolved it). */
  isUnknownGid(err: unknown): boolean;
}

/** A database the SQL workloads run on: it offers its dialect as `sql`. */
export interface SqlCapable {
  readonly sql: SqlDialect;
}

/** What a database must offer for the SQL workloads, for messages. */
export const SQL_CAPABILITY = 'the SQL capability (`sql`, see workloads/sql/sql-dialect.ts)';

/** The dialect a database offers, or undefined when it offers none. */
export function sqlOf(db: object): SqlDialect | undefined {
  const sql = (db as Partial<SqlCapable>).sql;
  return typeof sql === 'object' && sql !== null && typeof sql.connect === 'function' ? sql : undefined;
}

/** The statement got no answer within its deadline. */
export class SqlTimeout extends Error {
  override readonly name = 'SqlTimeout';
}

/**
 * Races `promise` against `ms`; on timeout calls `onTimeout` (which drops the connection) and
 * rejects with a {@link SqlTimeout}.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new SqlTimeout(`no answer to ${what} within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connection-level error codes of Node sockets and both drivers. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ERR_SOCKET_CLOSED']);

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection is in closed state|Can't add new command when connection is in closed state|Client has encountered a connection error|not queryable|timeout expired|connect ETIMEDOUT/i.test(message);
}

export function errorMessage(err: unknown): string {
  return errorText(err, { name: false, max: 300 });
}
