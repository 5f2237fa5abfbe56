import type { SqlDialect, SqlErrorInfo, SqlSession } from './sql-dialect.ts';

/** Thrown by a transaction body to roll back on purpose (insufficient funds…): a definite `fail`. */
export class TxnAbort extends Error {
  override readonly name = 'TxnAbort';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type TxnOutcome<T> = { type: 'ok'; value: T } | { type: 'fail' | 'info'; error: string };

/** A transaction body: its statements, in order, on one session. Never retries a statement. */
export type TxnBody<T> = (session: SqlSession) => Promise<T>;

/**
 * Runs `body` between BEGIN and COMMIT (at the session's isolation level) and says what happened,
 * with Jepsen's semantics:
 *
 * - any error before COMMIT was sent — the server's (serialization failure, deadlock, lock wait
 *   timeout, write conflict), a lost connection, a timeout, a deliberate {@link TxnAbort} — is a
 *   `fail`: a transaction that was never asked to commit cannot have committed (it is rolled back,
 *   or the server drops it with the connection);
 * - an error answering COMMIT is a `fail` only when the dialect says that error proves a rollback
 *   (40001 at commit under serializable, for one); a lost connection, a timeout or anything else
 *   during COMMIT is `info`: the commit may have happened.
 */
export async function runTransaction<T>(session: SqlSession, dialect: SqlDialect, body: TxnBody<T>): Promise<TxnOutcome<T>> {
  let committing = false;
  try {
    await session.query('BEGIN');
    const value = await body(session);
    committing = true;
    await session.query('COMMIT');
    return { type: 'ok', value };
  } catch (err) {
    if (err instanceof TxnAbort) {
      await rollback(session);
      return { type: 'fail', error: `aborted: ${err.reason}` };
    }
    const info = dialect.classify(err);
    if (!committing) {
      await rollback(session);
      return { type: 'fail', error: describe(info) };
    }
    if (dialect.commitErrorIsDefinite(info)) return { type: 'fail', error: `at commit: ${describe(info)}` };
    return { type: 'info', error: `during commit: ${describe(info)}` };
  }
}

/** `serialization-failure (40001): could not serialize access…` */
export function describe(info: SqlErrorInfo): string {
  return `${info.kind}${info.code ? ` (${info.code})` : ''}: ${info.message}`;
}

async function rollback(session: SqlSession): Promise<void> {
  if (!session.alive) return;
  // A session that cannot even roll back is dropped; the server aborts the transaction with it.
  await session.query('ROLLBACK').catch(() => session.destroy());
}
