import mysql from 'mysql2/promise';
import type { Cluster, NodeInfo } from '../cluster.ts';
import type { ClockAware, Database, HasPrimary, Killable, LogFiles, Pausable } from '../../harness/db.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { EnvironmentError } from '../../harness/errors.ts';
import { FAKETIME_FILE, faketimeEnv } from '../faketime.ts';
import { findNode, lastLine, ServerProcess } from '../server-process.ts';

const HOME = '/var/lib/faultline/mariadb';
const DATA_DIR = `${HOME}/data`;
const INIT_FILE = `${HOME}/init.sql`;
const LOG_FILE = '/var/log/faultline/mariadb.log';
const PORT = 3306;

/** How every client reaches a node: password auth over the run's network. */
export const MARIADB_CREDENTIALS = { user: 'faultline', password: 'faultline', database: 'faultline' } as const;

/** mysql2 connection settings for `node` (the node's own address, never localhost). */
export function mariadbConnection(node: NodeInfo): mysql.ConnectionOptions {
  return { host: node.ip, port: PORT, ...MARIADB_CREDENTIALS, connectTimeout: 2_000 };
}

export interface MariadbOptions {
  /** How long a node may take to accept queries after (re)start, crash recovery included. */
  startTimeoutMs?: number;
  /** Run the server under libfaketime even without a clock nemesis (tests). */
  faketime?: boolean;
}

/**
 * MariaDB 10.11 (Debian's mariadb-server), InnoDB. Every node is an independent server with a
 * fresh data dir per run, listening on its network address; the `faultline` user and database are
 * (re)created by an init file at every start. Test option `mariadbSnapshotIsolation: true` turns
 * on `innodb_snapshot_isolation` (a write conflict at repeatable read becomes error 1020; off by
 * default, as in 10.11). Lock wait limits are set per session by the clients.
 */
export class MariadbDatabase implements Database, Killable, Pausable, HasPrimary, LogFiles, ClockAware {
  readonly name = 'mariadb';
  readonly image = 'mariadb';
  /** mariadbd reads the wall clock through libc, which libfaketime wraps (docker/mariadb/mariadb.int.test.ts checks it). */
  readonly honoursFaketime = true;
  readonly server = new ServerProcess({
    name: 'mariadb',
    pattern: '^/usr/sbin/mariadbd ',
    logFile: LOG_FILE,
    user: 'mysql',
    uninformativeLogLine: /\[ERROR\] Aborting$/,
  });
  private withFaketime = false;
  private settings: Record<string, string> = {};

  constructor(private readonly options: MariadbOptions = {}) {}

  async setup(cluster: Cluster, test: TestSpec): Promise<void> {
    this.withFaketime = test.nemesis.includes('clock') || this.options.faketime === true;
    this.settings = { 'innodb-snapshot-isolation': test.options.mariadbSnapshotIsolation === true ? 'ON' : 'OFF' };
    await Promise.all(cluster.nodes.map((n) => this.setupNode(cluster, n)));
  }

  async teardown(cluster: Cluster): Promise<void> {
    await Promise.all(cluster.nodes.map((n) => this.server.stop(cluster, n.name, 'TERM')));
  }

  async versions(cluster: Cluster): Promise<Record<string, string>> {
    const node = cluster.nodes[0];
    if (!node) return {};
    const r = await cluster.exec(node.name, ['/usr/sbin/mariadbd', '--version'], { timeoutMs: 10_000 });
    const version = /Ver\s+(\d+\.\d+\.\d+)/.exec(r.stdout)?.[1];
    return version ? { mariadb: version } : {};
  }

  kill(cluster: Cluster, node: string): Promise<void> {
    return this.server.kill(cluster, node);
  }

  /** Starts a killed server again on its data dir and waits until it answers; a running one is left alone. */
  async start(cluster: Cluster, node: string): Promise<void> {
    if (await this.server.running(cluster, node)) return;
    await this.launch(cluster, findNode(cluster, node));
    await this.waitReady(cluster, findNode(cluster, node));
  }

  pause(cluster: Cluster, node: string): Promise<void> {
    return this.server.pause(cluster, node);
  }

  resume(cluster: Cluster, node: string): Promise<void> {
    return this.server.resume(cluster, node);
  }

  /** Every node is the primary of its own data (no replication). */
  async primaries(cluster: Cluster): Promise<string[]> {
    return cluster.nodes.map((n) => n.name);
  }

  logFiles(): string[] {
    return [LOG_FILE];
  }

  private async setupNode(cluster: Cluster, node: NodeInfo): Promise<void> {
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
    if (this.withFaketime) await cluster.writeFile(node.name, FAKETIME_FILE, '+0\n');
    await this.launch(cluster, node);
    await this.waitReady(cluster, node);
  }

  private async launch(cluster: Cluster, node: NodeInfo): Promise<void> {
    const settings: Record<string, string> = {
      datadir: DATA_DIR,
      'bind-address': node.ip,
      port: String(PORT),
      socket: `${HOME}/mysqld.sock`,
      'pid-file': `${HOME}/mysqld.pid`,
      'init-file': INIT_FILE,
      'max-connections': '200',
      ...this.settings,
    };
    const argv = ['/usr/sbin/mariadbd', '--no-defaults', '--skip-name-resolve', ...Object.entries(settings).map(([k, v]) => `--${k}=${v}`)];
    await this.server.launch(cluster, node.name, argv, this.withFaketime ? faketimeEnv() : undefined);
  }

  private waitReady(cluster: Cluster, node: NodeInfo): Promise<void> {
    const probe = async () => {
      const connection = await mysql.createConnection(mariadbConnection(node));
      connection.on('error', () => {});
      try {
        await connection.query('SELECT 1');
      } finally {
        connection.destroy();
      }
    };
    return this.server.waitReady(cluster, node.name, probe, this.options.startTimeoutMs ?? 60_000);
  }
}
