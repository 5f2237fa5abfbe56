import mysql from 'mysql2/promise';
import type { Cluster, NodeInfo } from '../../harness/cluster.ts';
import { buildContext, defineDatabase, versionFromCommand } from '../../harness/database.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { EnvironmentError } from '../../harness/errors.ts';
import { lastLine, ServerProcess } from '../server-process.ts';
import { SingleServerDatabase, type SingleServerOptions } from '../single-server-database.ts';
import { MARIADB_CREDENTIALS, MARIADB_PORT, mariadbConnection, mariadbDialect } from './mariadb-sql.ts';

const HOME = '/var/lib/faultline/mariadb';
const DATA_DIR = `${HOME}/data`;
const INIT_FILE = `${HOME}/init.sql`;
const LOG_FILE = '/var/log/faultline/mariadb.log';

/**
 * MariaDB 10.11 (Debian's mariadb-server), InnoDB. Every node is an independent server with a
 * fresh data dir per run, listening on its network address; the `faultline` user and database are
 * (re)created by an init file at every start. Test option `mariadbSnapshotIsolation: true` turns
 * on `innodb_snapshot_isolation` (a write conflict at repeatable read becomes error 1020; off by
 * default, as in 10.11). Lock wait limits are set per session by the clients.
 */
export class MariadbDatabase extends SingleServerDatabase {
  readonly name = 'mariadb';
  readonly image = buildContext('mariadb', new URL('.', import.meta.url));
  readonly sql = mariadbDialect;
  readonly server = new ServerProcess({
    name: 'mariadb',
    pattern: '^/usr/sbin/mariadbd ',
    logFile: LOG_FILE,
    user: 'mysql',
    uninformativeLogLine: /\[ERROR\] Aborting$/,
  });
  private settings: Record<string, string> = {};

  constructor(options: SingleServerOptions = {}) {
    super(options, LOG_FILE);
  }

  async teardown(cluster: Cluster): Promise<void> {
    await Promise.all(cluster.nodes.map((n) => this.server.stop(cluster, n.name, 'TERM')));
  }

  versions(cluster: Cluster): Promise<Record<string, string>> {
    return versionFromCommand(cluster, 'mariadb', ['/usr/sbin/mariadbd', '--version'], /Ver\s+(\d+\.\d+\.\d+)/);
  }

  protected override configure(test: TestSpec): void {
    this.settings = { 'innodb-snapshot-isolation': test.options.mariadbSnapshotIsolation === true ? 'ON' : 'OFF' };
  }

  protected async initNode(cluster: Cluster, node: NodeInfo): Promise<void> {
    const { user, password, database } = MARIADB_CREDENTIALS;
    const install = [
      `rm -rf ${DATA_DIR}`,
      `mariadb-install-db --no-defaults --user=mysql --datadir=${DATA_DIR} --auth-root-authentication-method=socket --skip-test-db`,
    ].join(' && ');
    const r = await cluster.exec(node.name, ['sh', '-c', install], { timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new EnvironmentError(`mariadb-install-db on ${node.name} failed (exit ${r.exitCode}): ${lastLine(r.stderr || r.stdout)}`);
    const init = [
      `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}';`,
      `GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%';`,
      `CREATE DATABASE IF NOT EXISTS ${database};`,
    ];
    await cluster.writeFile(node.name, INIT_FILE, `${init.join('\n')}\n`);
  }

  protected argv(node: NodeInfo): string[] {
    const settings: Record<string, string> = {
      datadir: DATA_DIR,
      'bind-address': node.ip,
      port: String(MARIADB_PORT),
      socket: `${HOME}/mysqld.sock`,
      'pid-file': `${HOME}/mysqld.pid`,
      'init-file': INIT_FILE,
      'max-connections': '200',
      ...this.settings,
    };
    return ['/usr/sbin/mariadbd', '--no-defaults', '--skip-name-resolve', ...Object.entries(settings).map(([k, v]) => `--${k}=${v}`)];
  }

  protected async probe(node: NodeInfo): Promise<void> {
    const connection = await mysql.createConnection(mariadbConnection(node));
    connection.on('error', () => {});
    try {
      await connection.query('SELECT 1');
    } finally {
      connection.destroy();
    }
  }
}

export const mariadb = defineDatabase({
  name: 'mariadb',
  description: 'MariaDB 10.11 (InnoDB), every node an independent server; the SQL capability',
  create: () => new MariadbDatabase(),
});
