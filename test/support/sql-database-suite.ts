import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FullDatabase, Killable, LogFiles, Pausable } from '../../harness/database.ts';
import { defineSpec, type TestSpec } from '../../harness/test-spec.ts';
import type { NodeInfo } from '../../harness/cluster.ts';
import { DockerCluster } from '../../docker/docker-cluster.ts';
import { dockerClient } from '../../docker/engine.ts';
import { writeClockOffset } from '../../harness/faketime.ts';
import { runObjects } from './run-objects.ts';

/** A connection to one node that the suite drives with plain SQL. */
export interface SqlSession {
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** What differs between the SQL databases under the same lifecycle suite. */
export interface SqlSuiteAdapter {
  /** Constructed to run under libfaketime, so the clock test can move its wall clock. */
  db: FullDatabase & Killable & Pausable & LogFiles;
  connect(node: NodeInfo): Promise<SqlSession>;
  /** A query returning one row `{ t }`: the server's wall clock in seconds since the epoch. */
  nowSql: string;
  /** Version regex for `versions()[db.name]`. */
  version: RegExp;
  /** Shell (run as root in the node) that makes the next start fail, and the one that undoes it. */
  breakConfig: string;
  fixConfig: string;
  /** What the log's last line says after a start with the broken config. */
  brokenLogLine: RegExp;
}

/**
 * The lifecycle every single-server SQL database must pass on real containers: fresh start and
 * readiness, a query from the controller over the node's address, kill then start with the data
 * intact, pause blocking a query until resume, a libfaketime clock offset, logs, a specific
 * error when it cannot start, and nothing left in the engine after teardown.
 */
export function sqlDatabaseSuite(adapter: SqlSuiteAdapter): void {
  const { db } = adapter;
  const test: TestSpec = defineSpec({
    name: `${db.name}-int`, db: db.name, workload: 'none', nodes: 1, concurrency: 1, rate: 1, timeLimit: 1,
    nemesis: [], nemesisInterval: 1, recovery: 1, seed: 1, options: {},
  }); // prettier-ignore

  describe(`${db.name} on a DockerCluster`, () => {
    let cluster: DockerCluster;
    let node: NodeInfo;
    const open: SqlSession[] = [];
    const connect = async () => {
      const session = await adapter.connect(node);
      open.push(session);
      return session;
    };

    beforeAll(async () => {
      cluster = await DockerCluster.create({ image: db.image, nodes: 1 });
      node = cluster.nodes[0] as NodeInfo;
      await db.setup(cluster, test);
    });

    afterAll(async () => {
      await Promise.all(open.map((s) => s.close().catch(() => {})));
      await cluster?.teardown();
    });

    it('starts fresh, answers a query over the node address and reports its version', async () => {
      expect(node.ip).not.toMatch(/^127\./);
      const s = await connect();
      await s.query('CREATE TABLE probe (id INT PRIMARY KEY, v INT)');
      await s.query('INSERT INTO probe VALUES (1, 10)');
      expect(await s.query('SELECT v FROM probe WHERE id = 1')).toEqual([{ v: 10 }]);
      expect((await db.versions?.(cluster))?.[db.name]).toMatch(adapter.version);
      expect(await db.primaries?.(cluster)).toEqual([node.name]);
    });

    it('loses no committed data across a kill and start', async () => {
      await db.kill(cluster, node.name);
      expect(await cluster.countProcesses(node.name, '.')).toBe(1); // only the node's keep-alive
      await expect(adapter.connect(node)).rejects.toThrow();
      await db.start(cluster, node.name);
      const s = await connect();
      expect(await s.query('SELECT v FROM probe WHERE id = 1')).toEqual([{ v: 10 }]);
    });

    it('blocks a query while paused and answers it after resume', async () => {
      const s = await connect();
      await db.pause(cluster, node.name);
      let answered = false;
      const pending = s.query('SELECT v FROM probe WHERE id = 1').then((rows) => {
        answered = true;
        return rows;
      });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(answered).toBe(false);
      await db.resume(cluster, node.name);
      expect(await pending).toEqual([{ v: 10 }]);
    });

    it('moves its wall clock with the libfaketime offset file, and back', async () => {
      const skew = async () => {
        const s = await connect();
        const [row] = await s.query(adapter.nowSql);
        return Number(row?.t) - Date.now() / 1000;
      };
      expect(Math.abs(await skew())).toBeLessThan(5);
      await writeClockOffset(cluster, node.name, 86_400);
      await new Promise((r) => setTimeout(r, 2_500)); // libfaketime re-reads the file every second
      expect(Math.abs((await skew()) - 86_400)).toBeLessThan(5);
      await writeClockOffset(cluster, node.name, 0);
      await new Promise((r) => setTimeout(r, 2_500));
      expect(Math.abs(await skew())).toBeLessThan(5);
    });

    it('copies its log out through LogFiles', async () => {
      const dest = mkdtempSync(join(tmpdir(), `${db.name}-logs-`));
      for (const path of db.logFiles(node.name)) await cluster.copyOut(node.name, path, dest);
      expect(readdirSync(dest).length).toBeGreaterThan(0);
    });

    it('names the node and its last log line when the server cannot start', async () => {
      await db.kill(cluster, node.name);
      const broken = await cluster.exec(node.name, ['sh', '-c', adapter.breakConfig]);
      expect(broken.exitCode).toBe(0);
      const failure = await db.start(cluster, node.name).then(() => 'started', (err: Error) => err.message);
      expect(failure).toMatch(new RegExp(`^${db.name} on n1 exited while starting; last log line: `));
      expect(failure).toMatch(adapter.brokenLogLine);
      expect((await cluster.exec(node.name, ['sh', '-c', adapter.fixConfig])).exitCode).toBe(0);
      await db.start(cluster, node.name);
      const s = await connect();
      expect(await s.query('SELECT v FROM probe WHERE id = 1')).toEqual([{ v: 10 }]);
    });

    it('stops on teardown and leaves nothing in the engine after the cluster goes', async () => {
      await Promise.all(open.splice(0).map((s) => s.close().catch(() => {})));
      await db.teardown(cluster, test);
      expect(await cluster.countProcesses(node.name, '.')).toBe(1);
      await cluster.teardown();
      expect(await runObjects(dockerClient(), cluster.runId)).toEqual({ containers: [], networks: [] });
    });
  });
}
