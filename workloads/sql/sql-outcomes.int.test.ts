import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../harness/cluster.ts';
import { DockerCluster } from '../../docker/docker-cluster.ts';
import { MariadbDatabase } from '../../docker/mariadb/mariadb-database.ts';
import { PostgresDatabase } from '../../docker/postgres/postgres-database.ts';
import type { FullDatabase, Killable, Pausable } from '../../harness/database.ts';
import { defineSpec } from '../../harness/test-spec.ts';
import { mariadbDialect } from '../../docker/mariadb/mariadb-sql.ts';
import { postgresDialect } from '../../docker/postgres/postgres-sql.ts';
import { ISOLATIONS, type Isolation, type SessionOptions, type SqlDialect, type SqlSession } from './sql-dialect.ts';
import { runTransaction, type TxnOutcome } from './transaction.ts';

interface Case {
  db: FullDatabase & Killable & Pausable;
  dialect: SqlDialect;
  /** The current transaction's isolation level, as `SessionOptions['isolation']` spells it. */
  level(s: SqlSession): Promise<string>;
  /** Makes a session's repeatable read detect write conflicts (PostgreSQL always does). */
  firstUpdaterWins(s: SqlSession): Promise<void>;
}

const normal = (v: unknown) => String(v).toLowerCase().replace(/[ _]/g, '-');

const cases: Case[] = [
  {
    db: new PostgresDatabase(),
    dialect: postgresDialect,
    level: async (s) => normal((await s.query('SHOW transaction_isolation'))[0]?.transaction_isolation),
    firstUpdaterWins: async () => {},
  },
  {
    db: new MariadbDatabase(),
    dialect: mariadbDialect,
    level: async (s) => normal((await s.query('SELECT @@tx_isolation AS level'))[0]?.level),
    firstUpdaterWins: async (s) => void (await s.query('SET SESSION innodb_snapshot_isolation = ON')),
  },
];

const test = defineSpec({
  name: 'sql-outcomes', db: 'sql', workload: 'none', nodes: 1, concurrency: 1, rate: 1, timeLimit: 1,
  nemesis: [], nemesisInterval: 1, recovery: 1, seed: 1, options: {},
}); // prettier-ignore

function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The error mapping on real servers: every way a transaction can end, provoked on purpose, must
 * come out as Jepsen's ok / fail / info — a wrong `fail` manufactures anomalies, a wrong `info`
 * hides them.
 */
describe.each(cases)('$dialect.name transaction outcomes', ({ db, dialect, level, firstUpdaterWins }) => {
  let cluster: DockerCluster;
  let node: NodeInfo;
  const sessions: SqlSession[] = [];
  const connect = async (options: Partial<SessionOptions> = {}) => {
    const s = await dialect.connect(node, { isolation: 'serializable', statementTimeoutMs: 5_000, lockTimeoutMs: 3_000, ...options });
    sessions.push(s);
    return s;
  };
  const txn = <T>(s: SqlSession, body: (s: SqlSession) => Promise<T>): Promise<TxnOutcome<T>> => runTransaction(s, dialect, body);
  const value = async (k: number) => Number((await (await connect()).query(`SELECT v FROM t WHERE k = ${dialect.param(1)}`, [k]))[0]?.v);

  beforeAll(async () => {
    cluster = await DockerCluster.create({ image: db.image, nodes: 1 });
    node = cluster.nodes[0] as NodeInfo;
    await db.setup(cluster, test);
    const s = await connect();
    await s.query('CREATE TABLE t (k INT PRIMARY KEY, v INT NOT NULL)');
    await s.query('INSERT INTO t VALUES (1, 0), (2, 0)');
  });

  afterAll(async () => {
    for (const s of sessions) s.destroy();
    await cluster?.teardown();
  });

  it('runs every transaction of a session at the requested isolation level', async () => {
    for (const isolation of ISOLATIONS as Isolation[]) {
      const outcome = await txn(await connect({ isolation }), level);
      expect(outcome).toEqual({ type: 'ok', value: isolation });
    }
  });

  it('commits a transaction: ok, and the write is there', async () => {
    const outcome = await txn(await connect(), (s) => s.query(`UPDATE t SET v = 7 WHERE k = 1`));
    expect(outcome.type).toBe('ok');
    expect(await value(1)).toBe(7);
  });

  it('maps a deadlock to fail, and lets the survivor commit', async () => {
    const [a, b] = [await connect(), await connect()];
    const aLocked = latch();
    const bLocked = latch();
    const outcomes = await Promise.all([
      txn(a, async (s) => {
        await s.query('UPDATE t SET v = v + 1 WHERE k = 1');
        aLocked.open();
        await bLocked.promise;
        await s.query('UPDATE t SET v = v + 1 WHERE k = 2');
      }),
      txn(b, async (s) => {
        await aLocked.promise;
        await s.query('UPDATE t SET v = v + 1 WHERE k = 2');
        bLocked.open();
        await s.query('UPDATE t SET v = v + 1 WHERE k = 1');
      }),
    ]);
    expect(outcomes.map((o) => o.type).sort()).toEqual(['fail', 'ok']);
    const failed = outcomes.find((o) => o.type === 'fail') as { error: string };
    expect(failed.error).toMatch(/^deadlock \((40P01|1213)\): /);
  });

  it('maps a write conflict under snapshot reads to fail (first updater wins)', async () => {
    const a = await connect({ isolation: 'repeatable-read' });
    await firstUpdaterWins(a);
    const outcome = await txn(a, async (s) => {
      await s.query('SELECT v FROM t WHERE k = 1'); // the snapshot
      const other = await txn(await connect(), (o) => o.query('UPDATE t SET v = 100 WHERE k = 1'));
      expect(other.type).toBe('ok');
      await s.query('UPDATE t SET v = 200 WHERE k = 1');
    });
    expect(outcome).toMatchObject({ type: 'fail', error: expect.stringMatching(/^serialization-failure \((40001|1020)\): /) });
    expect(await value(1)).toBe(100);
  });

  it('maps a lock wait timeout to fail', async () => {
    const holder = await connect();
    const released = latch();
    const locked = latch();
    const held = txn(holder, async (s) => {
      await s.query('UPDATE t SET v = 1 WHERE k = 2');
      locked.open();
      await released.promise;
    });
    await locked.promise;
    const waiter = await txn(await connect({ lockTimeoutMs: 1_000 }), (s) => s.query('UPDATE t SET v = 2 WHERE k = 2'));
    released.open();
    expect(waiter).toMatchObject({ type: 'fail', error: expect.stringMatching(/^lock-timeout \((55P03|1205)\): /) });
    expect((await held).type).toBe('ok');
  });

  it('maps a COMMIT that gets no answer (server paused) to info', async () => {
    const outcome = await txn(await connect({ statementTimeoutMs: 1_500 }), async (s) => {
      await s.query('UPDATE t SET v = 3 WHERE k = 2');
      await db.pause(cluster, node.name);
    });
    await db.resume(cluster, node.name);
    expect(outcome).toMatchObject({ type: 'info', error: expect.stringMatching(/^during commit: timeout: no answer to COMMIT within 1500 ms/) });
  });

  it('maps a connection lost during COMMIT (server killed) to info', async () => {
    let killed: Promise<void> | undefined;
    const outcome = await txn(await connect(), async (s) => {
      await s.query('UPDATE t SET v = 4 WHERE k = 2');
      await db.pause(cluster, node.name);
      // While COMMIT waits for the paused server.
      killed = new Promise((r) => setTimeout(r, 300)).then(() => db.kill(cluster, node.name));
    });
    await killed;
    expect(outcome).toMatchObject({ type: 'info', error: expect.stringMatching(/^during commit: connection/) });
    await db.start(cluster, node.name);
  });

  it('maps a connection lost before COMMIT to fail, and nothing was committed', async () => {
    const before = await value(1);
    const outcome = await txn(await connect(), async (s) => {
      await s.query('UPDATE t SET v = -1 WHERE k = 1');
      await db.kill(cluster, node.name);
      await s.query('SELECT 1');
    });
    expect(outcome).toMatchObject({ type: 'fail', error: expect.stringMatching(/^connection/) });
    await db.start(cluster, node.name);
    expect(await value(1)).toBe(before);
  });
});
