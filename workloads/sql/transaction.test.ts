import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { mariadbDialect } from '../../docker/mariadb/mariadb-sql.ts';
import { postgresDialect } from '../../docker/postgres/postgres-sql.ts';
import { SqlTimeout, type Row, type SqlSession } from './sql-dialect.ts';
import { runTransaction, TxnAbort } from './transaction.ts';

/** A session that answers from a script: an Error for a statement fails it. */
function scripted(answers: Record<string, Error | undefined>): SqlSession & { sent: string[] } {
  const sent: string[] = [];
  let alive = true;
  return {
    sent,
    get alive() {
      return alive;
    },
    async query(sql: string): Promise<Row[]> {
      sent.push(sql);
      const e = answers[sql];
      if (e) throw e;
      return [];
    },
    destroy() {
      alive = false;
    },
  };
}

const pgError = (code: string, message = 'boom') => Object.assign(new pg.DatabaseError(message, 0, 'error'), { code });
const mysqlError = (errno: number, sqlState: string, message = 'boom') => Object.assign(new Error(message), { errno, sqlState, code: 'ER', fatal: false });
const lost = () => Object.assign(new Error('Connection terminated unexpectedly'), {});

describe('runTransaction', () => {
  it('is ok when COMMIT answers, and sends BEGIN, the body, COMMIT in order', async () => {
    const s = scripted({});
    const out = await runTransaction(s, postgresDialect, async (x) => (await x.query('UPDATE'), 42));
    expect(out).toEqual({ type: 'ok', value: 42 });
    expect(s.sent).toEqual(['BEGIN', 'UPDATE', 'COMMIT']);
  });

  it('fails, and rolls back, whatever goes wrong before COMMIT is sent — even a lost connection or a timeout', async () => {
    for (const err of [pgError('40001'), pgError('40P01'), pgError('55P03'), pgError('23505'), lost(), new SqlTimeout('no answer'), new TypeError('bug')]) {
      const s = scripted({ UPDATE: err });
      const out = await runTransaction(s, postgresDialect, async (x) => void (await x.query('UPDATE')));
      expect(out.type).toBe('fail');
      expect(s.sent).not.toContain('COMMIT');
      expect(s.sent.at(-1)).toBe('ROLLBACK');
    }
  });

  it('fails on a deliberate abort, naming the reason', async () => {
    const s = scripted({});
    const out = await runTransaction(s, mariadbDialect, async () => {
      throw new TxnAbort('insufficient funds');
    });
    expect(out).toEqual({ type: 'fail', error: 'aborted: insufficient funds' });
    expect(s.sent).toEqual(['BEGIN', 'ROLLBACK']);
  });

  it('is info when COMMIT loses its connection or times out, fail only when the server proves a rollback', async () => {
    const commit = async (err: Error, dialect = postgresDialect) => runTransaction(scripted({ COMMIT: err }), dialect, async () => {});
    expect(await commit(lost())).toMatchObject({ type: 'info', error: expect.stringMatching(/^during commit: connection: /) });
    expect(await commit(new SqlTimeout('no answer to COMMIT within 5000 ms'))).toMatchObject({ type: 'info', error: expect.stringMatching(/^during commit: timeout: /) });
    expect(await commit(pgError('57P01', 'terminating connection due to administrator command'))).toMatchObject({ type: 'info' });
    expect(await commit(pgError('XX000', 'internal error'))).toMatchObject({ type: 'info' });
    expect(await commit(pgError('40001', 'could not serialize access'))).toEqual({ type: 'fail', error: 'at commit: serialization-failure (40001): could not serialize access' });
    expect(await commit(pgError('23505'))).toMatchObject({ type: 'fail' });
    expect(await commit(mysqlError(1213, '40001'), mariadbDialect)).toMatchObject({ type: 'fail', error: expect.stringMatching(/^at commit: deadlock \(1213\)/) });
    expect(await commit(mysqlError(1180, 'HY000'), mariadbDialect)).toMatchObject({ type: 'info' });
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', fatal: true });
    expect(await commit(reset, mariadbDialect)).toMatchObject({ type: 'info', error: expect.stringMatching(/^during commit: connection \(ECONNRESET\)/) });
  });
});

describe('error classification', () => {
  it('names PostgreSQL SQLSTATEs', () => {
    expect(postgresDialect.classify(pgError('40001')).kind).toBe('serialization-failure');
    expect(postgresDialect.classify(pgError('40P01')).kind).toBe('deadlock');
    expect(postgresDialect.classify(pgError('55P03')).kind).toBe('lock-timeout');
    expect(postgresDialect.classify(pgError('08006')).kind).toBe('connection');
    expect(postgresDialect.classify(pgError('22P02')).kind).toBe('rejected');
    // A SQLSTATE-shaped code on something that is not a server error is not trusted.
    expect(postgresDialect.classify(Object.assign(new Error('x'), { code: '40001' })).kind).toBe('unknown');
  });

  it('names MariaDB error numbers', () => {
    expect(mariadbDialect.classify(mysqlError(1213, '40001')).kind).toBe('deadlock');
    expect(mariadbDialect.classify(mysqlError(1205, 'HY000')).kind).toBe('lock-timeout');
    expect(mariadbDialect.classify(mysqlError(1020, 'HY000')).kind).toBe('serialization-failure');
    expect(mariadbDialect.classify(mysqlError(1062, '23000')).kind).toBe('rejected');
    expect(mariadbDialect.classify(Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })).kind).toBe('connection');
  });
});
