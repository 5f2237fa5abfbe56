import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerCluster } from '../docker-cluster.ts';
import { EtcdDatabase } from './etcd-database.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import type { Client } from '../../harness/client.ts';
import { etcdRegisterClient } from './etcd-register-client.ts';

// The register client against a real 5-node etcd cluster: what it records when etcd answers, when
// nothing was sent, and when the outcome is unknown.

const spec = (options: Record<string, unknown> = {}): TestSpec => ({
  name: 'etcd-client-int', db: 'etcd', workload: 'register', nodes: 5, concurrency: 5, rate: 0, timeLimit: 1,
  nemesis: [], nemesisInterval: 10, recovery: 0, seed: 1, options,
});

let cluster: DockerCluster;
const db = new EtcdDatabase();
const clients: Client[] = [];

async function client(node: string, options: Record<string, unknown> = {}): Promise<Client> {
  const c = etcdRegisterClient();
  await c.open(cluster, spec(options), node);
  clients.push(c);
  return c;
}

/** A kill in an earlier test may have cost the cluster its leader: write until it goes through. */
async function writeOnceHealthy(c: Client, key: string): Promise<void> {
  let r = await c.invoke({ f: 'write', value: 1, key });
  for (let i = 0; i < 20 && r.type !== 'ok'; i++) r = await c.invoke({ f: 'write', value: 1, key });
  expect(r.type).toBe('ok');
}

beforeAll(async () => {
  cluster = await DockerCluster.create({ image: db.image, nodes: 5, runId: `etcd-client-int-${process.pid}`, log: () => undefined });
  await db.setup(cluster, spec());
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cluster?.teardown();
});

describe('the etcd register client on a real cluster', () => {
  it('reads nil for a fresh key, writes, and does compare-and-set through a transaction', async () => {
    const c = await client('n1');
    const other = await client('n4');
    expect(await c.invoke({ f: 'read', value: null, key: 'a' })).toEqual({ type: 'ok', value: null });
    expect(await c.invoke({ f: 'write', value: 3, key: 'a' })).toEqual({ type: 'ok', value: 3 });
    // A quorum read on another node sees it.
    expect(await other.invoke({ f: 'read', value: null, key: 'a' })).toEqual({ type: 'ok', value: 3 });
    expect(await other.invoke({ f: 'cas', value: [3, 4], key: 'a' })).toEqual({ type: 'ok', value: [3, 4] });
    expect(await c.invoke({ f: 'cas', value: [3, 1], key: 'a' })).toEqual({ type: 'fail', value: [3, 1], error: 'cas-mismatch: the value was not 3' });
    expect(await c.invoke({ f: 'cas', value: [0, 1], key: 'missing' })).toMatchObject({ type: 'fail' });
    expect(await c.invoke({ f: 'read', value: null, key: 'a' })).toEqual({ type: 'ok', value: 4 });
  });

  it('a write to a node whose etcd is gone was never sent: fail', async () => {
    const c = await client('n5', { timeoutMs: 2_000 });
    expect((await c.invoke({ f: 'write', value: 1, key: 'b' })).type).toBe('ok');
    await db.kill(cluster, 'n5');
    const r = await c.invoke({ f: 'write', value: 2, key: 'b' });
    expect(r.type).toBe('fail');
    expect(r.error).toMatch(/^not-sent: /);
    await db.start(cluster, 'n5');
  });

  it('without a quorum a write times out after it was sent: info; a read: fail', async () => {
    const c = await client('n1', { timeoutMs: 1_500 });
    await writeOnceHealthy(c, 'c');
    for (const n of ['n3', 'n4', 'n5']) await db.pause(cluster, n);
    try {
      const w = await c.invoke({ f: 'write', value: 2, key: 'c' });
      expect(w.type).toBe('info');
      expect(w.error).toMatch(/^(timeout|server-timeout|leader-changed|no-leader|unavailable): /);
      const r = await c.invoke({ f: 'read', value: null, key: 'c' });
      expect(r.type).toBe('fail');
    } finally {
      for (const n of ['n3', 'n4', 'n5']) await db.resume(cluster, n);
    }
  });

  it('a connection reset while a write is in flight leaves its outcome unknown: info', async () => {
    const c = await client('n2', { timeoutMs: 5_000 });
    await writeOnceHealthy(c, 'd');
    // Without a quorum the write waits inside etcd; then its node dies under it.
    for (const n of ['n3', 'n4', 'n5']) await db.pause(cluster, n);
    try {
      const pending = c.invoke({ f: 'write', value: 2, key: 'd' });
      await new Promise((r) => setTimeout(r, 500));
      await db.kill(cluster, 'n2');
      const w = await pending;
      expect(w.type).toBe('info');
      expect(w.error).toMatch(/^unavailable: 14 UNAVAILABLE: Connection dropped/);
    } finally {
      for (const n of ['n3', 'n4', 'n5']) await db.resume(cluster, n);
      await db.start(cluster, 'n2');
    }
  });
});
