import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSpec } from '../../harness/test-spec.ts';
import type { NodeInfo } from '../../harness/cluster.ts';
import { DockerCluster } from '../docker-cluster.ts';
import { copyNodeLogs } from '../../harness/store/node-logs.ts';
import { EtcdDatabase } from './etcd-database.ts';
import { clientUrl } from './etcd-node.ts';

const test = defineSpec({
  name: 'etcd-int',
  db: 'etcd',
  workload: 'register',
  nodes: 5,
  concurrency: 1,
  rate: 1,
  timeLimit: 1,
  nemesis: [],
  nemesisInterval: 1,
  recovery: 1,
  seed: 1,
  options: {},
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A v3 request through the member's HTTP gateway (the workload's real client is separate). */
async function v3(node: NodeInfo, path: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${clientUrl(node)}/v3/${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  expect(res.ok).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

describe('etcd on a 5-node DockerCluster', () => {
  const db = new EtcdDatabase();
  let cluster: DockerCluster;

  beforeAll(async () => {
    cluster = await DockerCluster.create({ image: db.image, nodes: 5 });
    await db.setup(cluster, test);
  });

  afterAll(async () => {
    await cluster?.teardown();
  });

  it('comes up healthy with exactly one leader and reports its version', async () => {
    expect(await db.primaries(cluster)).toHaveLength(1);
    expect((await db.versions(cluster)).etcd).toMatch(/^3\.4\.\d+$/);
  });

  it('answers a put on one member and a quorum read on another', async () => {
    const [n1, , , , n5] = cluster.nodes as NodeInfo[];
    await v3(n1 as NodeInfo, 'kv/put', { key: b64('k'), value: b64('v1') });
    const range = (await v3(n5 as NodeInfo, 'kv/range', { key: b64('k') })) as { kvs?: { value: string }[] };
    expect(Buffer.from(range.kvs?.[0]?.value ?? '', 'base64').toString()).toBe('v1');
  });

  it('survives a killed leader: a new one is elected, and the old one rejoins with its data', async () => {
    const [leader] = await db.primaries(cluster);
    await db.kill(cluster, leader as string);
    expect(await cluster.countProcesses(leader as string, '^etcd ')).toBe(0);
    await db.waitHealthy(cluster, 30_000, cluster.nodes.filter((n) => n.name !== leader));
    const [next] = await db.primaries(cluster);
    expect(next).toBeDefined();
    expect(next).not.toBe(leader);
    await db.start(cluster, leader as string);
    await db.start(cluster, leader as string); // already running: a no-op, not a second etcd
    await db.waitHealthy(cluster, 30_000);
    expect(await cluster.countProcesses(leader as string, '^etcd ')).toBe(1);
    const node = cluster.nodes.find((n) => n.name === leader) as NodeInfo;
    const range = (await v3(node, 'kv/range', { key: b64('k') })) as { kvs?: { value: string }[] };
    expect(Buffer.from(range.kvs?.[0]?.value ?? '', 'base64').toString()).toBe('v1');
  });

  it('pauses and resumes a member with SIGSTOP/SIGCONT', async () => {
    await db.pause(cluster, 'n2');
    const status = await fetch(`${clientUrl(cluster.nodes[1] as NodeInfo)}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      () => 'answered',
      () => 'silent',
    );
    expect(status).toBe('silent');
    await db.resume(cluster, 'n2');
    await db.waitHealthy(cluster, 30_000);
  });

  it('copies every node’s log out through LogFiles', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'etcd-logs-'));
    expect(await copyNodeLogs(cluster, db, dest)).toEqual([]);
    for (const node of cluster.nodes) {
      expect(readFileSync(join(dest, node.name, 'etcd.log'), 'utf8')).toMatch(/"msg":"published local member to cluster through raft"/);
    }
    const missing = { ...db, logFiles: () => ['/var/log/none.log'] } as unknown as EtcdDatabase;
    expect((await copyNodeLogs(cluster, missing, dest))[0]).toBe('n1: no /var/log/none.log on n1');
  });

  it('names the member and its last log line when the cluster cannot become healthy', async () => {
    for (const n of ['n3', 'n4', 'n5']) await db.kill(cluster, n);
    const failure = await db.waitHealthy(cluster, 4_000).then(() => undefined, (err: Error) => err.message);
    // Killed members are named first: n3 has no etcd process at all.
    expect(failure).toMatch(/^etcd on n3 exited; last log line: .+/);
    for (const n of ['n3', 'n4', 'n5']) await db.start(cluster, n);
    await db.waitHealthy(cluster, 30_000);
    await db.teardown(cluster, test);
    expect(await cluster.countProcesses('n1', '^etcd ')).toBe(0);
  });
});
