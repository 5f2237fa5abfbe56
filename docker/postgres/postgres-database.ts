import pg from 'pg';
import type { Cluster, NodeInfo } from '../../harness/cluster.ts';
import { buildContext, defineDatabase, versionFromCommand } from '../../harness/database.ts';
import { EnvironmentError } from '../../harness/errors.ts';
import { lastLine, ServerProcess } from '../server-process.ts';
import { SingleServerDatabase, type SingleServerOptions } from '../single-server-database.ts';
import { POSTGRES_CREDENTIALS, POSTGRES_PORT, postgresConnection, postgresDialect } from './postgres-sql.ts';

const BIN = '/usr/lib/postgresql/15/bin';
const HOME = '/var/lib/faultline/postgres';
const DATA_DIR = `${HOME}/data`;
const LOG_FILE = '/var/log/faultline/postgres.log';

export interface PostgresOptions extends SingleServerOptions {
  /** `max_prepared_transactions` (2PC needs it above 0). */
  maxPreparedTransactions?: number;
}

/**
 * PostgreSQL 15 (Debian's postgresql-15). Every node is an independent server with a fresh data
 * dir per run (one node for most workloads; 2PC uses several as shards), listening on its
 * network address with password auth. Kill is a crash of the whole server (postmaster and every
 * backend); start runs crash recovery and waits until queries are answered.
 */
export class PostgresDatabase extends SingleServerDatabase {
  readonly name = 'postgres';
  readonly image = buildContext('postgres', new URL('.', import.meta.url));
  /** Every SQL workload runs on it, 2pc-bank too (PREPARE TRANSACTION). */
  readonly sql = postgresDialect;
  readonly server = new ServerProcess({
    name: 'postgres',
    // The postmaster keeps its command line; every backend and helper retitles itself "postgres: …".
    pattern: `^(${BIN}/postgres |postgres: )`,
    logFile: LOG_FILE,
    user: 'postgres',
  });

  constructor(private readonly pgOptions: PostgresOptions = {}) {
    super(pgOptions, LOG_FILE);
  }

  async teardown(cluster: Cluster): Promise<void> {
    // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
    await Promise.all(cluster.nodes.map((n) => this.server.stop(cluster, n.name, 'INT')));
  }

  versions(cluster: Cluster): Promise<Record<string, string>> {
    return versionFromCommand(cluster, 'postgres', [`${BIN}/postgres`, '--version'], /PostgreSQL\)\s*(\S+)/);
  }

  protected async initNode(cluster: Cluster, node: NodeInfo): Promise<void> {
    const init = [
      `rm -rf ${DATA_DIR}`,
      `printf %s '${POSTGRES_CREDENTIALS.password}' > ${HOME}/pwfile`,
      // The run's data never needs to survive the machine, only the process: skip initdb's fsyncs.
      `${BIN}/initdb -D ${DATA_DIR} -U ${POSTGRES_CREDENTIALS.user} --pwfile=${HOME}/pwfile --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C --no-sync`,
      `echo 'host all all 0.0.0.0/0 scram-sha-256' >> ${DATA_DIR}/pg_hba.conf`,
    ].join(' && ');
    const r = await cluster.exec(node.name, ['sh', '-c', init], { user: 'postgres', timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new EnvironmentError(`initdb on ${node.name} failed (exit ${r.exitCode}): ${lastLine(r.stderr || r.stdout)}`);
  }

  protected override async afterFirstStart(_cluster: Cluster, node: NodeInfo): Promise<void> {
    await withClient(postgresConnection(node, 'postgres'), (c) => c.query(`CREATE DATABASE ${POSTGRES_CREDENTIALS.database}`));
  }

  protected argv(node: NodeInfo): string[] {
    const settings = {
      listen_addresses: node.ip,
      port: String(POSTGRES_PORT),
      unix_socket_directories: HOME,
      max_connections: '200',
      max_prepared_transactions: String(this.pgOptions.maxPreparedTransactions ?? 100),
      log_line_prefix: '%m [%p] %q%u@%d ',
    };
    return [`${BIN}/postgres`, '-D', DATA_DIR, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  }

  /** The `postgres` database exists from initdb on, before the test's database is created. */
  protected probe(node: NodeInfo): Promise<unknown> {
    return withClient(postgresConnection(node, 'postgres'), (c) => c.query('SELECT 1'));
  }
}

/** Opens a pg client, runs `fn`, always closes it. */
async function withClient<T>(config: pg.ClientConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(config);
  client.on('error', () => {}); // a server that dies under an idle probe must not crash the controller
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgres = defineDatabase({
  name: 'postgres',
  description: 'PostgreSQL 15, every node an independent server; the SQL capability with prepared transactions',
  create: () => new PostgresDatabase(),
});
