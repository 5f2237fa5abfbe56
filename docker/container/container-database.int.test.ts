import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DockerCluster } from '../docker-cluster.ts';
import { containerDatabase } from './container-database.ts';
import type { FullDatabase } from '../../harness/database.ts';
import type { Nemesis, NemesisContext } from '../../harness/nemesis.ts';
import { Random } from '../../harness/random.ts';
import { silentLogger } from '../../harness/logger.ts';
import { copyNodeLogs } from '../../harness/store/node-logs.ts';
import type { TestSpec } from '../../harness/test-spec.ts';
import { ClockNemesis } from '../../nemesis/clock.ts';
import { KillNemesis } from '../../nemesis/kill.ts';
import { PauseNemesis } from '../../nemesis/pause.ts';
import { leftovers } from '../../test/support/faultline-process.ts';

// A database nobody built into faultline — the example store (examples/own-store/server), declared
// only through containerDatabase — under the nemesis's own kill, pause and clock faults on real
// containers: each observed taking effect on the store's process, then healed.

const PORT = 8080;
const spec: TestSpec = { name: 'container-int', db: 'own-store', workload: 'register', nodes: 3, concurrency: 3, rate: 0, timeLimit: 1, nemesis: ['clock'], nemesisInterval: 5, recovery: 0, seed: 1, options: {} };
const definition = containerDatabase({
  name: 'own-store',
  image: { context: new URL('../../examples/own-store/server/', import.meta.url) },
  start: 'node /app/store.mjs --node {{node}} --port {{port}} --nodes {{nodes}}',
  env: { SYNC: '1' },
  port: PORT,
  ready: { http: '/health' },
  clock: true,
  primaries: (nodes) => [nodes[0]!.name],
});
const runId = `container-int-${process.pid}`;
let db: FullDatabase;
let cluster: DockerCluster;
let ctx: NemesisContext;
const used: Nemesis[] = [];
const use = <N extends Nemesis>(n: N): N => (used.push(n), n);

interface Health {
  node: string;
  primary: string;
  time: number;
}

async function health(node: string, timeoutMs = 1_500): Promise<Health | undefined> {
  const ip = cluster.nodes.find((n) => n.name === node)!.ip;
  try {
    return (await (await fetch(`http://${ip}:${PORT}/health`, { signal: AbortSignal.timeout(timeoutMs) })).json()) as Health;
  } catch {
    return undefined;
  }
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = definition.create();
  cluster = await DockerCluster.create({ image: db.image, nodes: 3, runId, log: () => undefined });
  await db.setup(cluster, spec);
  ctx = { cluster, db, test: spec, random: Random.fromSeed(3).stream(), log: silentLogger };
});

afterEach(async () => {
  for (const n of used.splice(0)) await n.teardown(ctx);
});

afterAll(async () => {
  await cluster?.teardown();
  expect(await leftovers(runId)).toEqual([]);
});

describe('a container database', () => {
  it('starts every node with its own substitutions: each knows itself and the primary', async () => {
    const seen = await Promise.all(cluster.nodes.map((n) => health(n.name)));
    expect(seen.map((h) => [h?.node, h?.primary])).toEqual([['n1', 'n1'], ['n2', 'n1'], ['n3', 'n1']]);
    expect(await db.primaries!(cluster)).toEqual(['n1']);
  });

  it('kill: the store process is gone and the node stops answering; the heal starts it again, ready', async () => {
    const nemesis = use(new KillNemesis());
    const r = await nemesis.invoke({ f: 'start-kill', value: 'one' }, ctx);
    const [node] = (r.value as { nodes: string[] }).nodes;
    expect(await cluster.countProcesses(node!, '^node ')).toBe(0);
    expect(await health(node!)).toBeUndefined();
    await nemesis.invoke({ f: 'stop-kill', value: null }, ctx);
    expect((await health(node!))?.node).toBe(node);
  });

  it('pause: the node holds its connections but answers nothing until resumed', async () => {
    const nemesis = use(new PauseNemesis());
    const r = await nemesis.invoke({ f: 'start-pause', value: 'one' }, ctx);
    const [node] = (r.value as { nodes: string[] }).nodes;
    expect((r.value as { how: string }).how).toBe('SIGSTOP');
    expect(await health(node!, 1_000)).toBeUndefined();
    await nemesis.invoke({ f: 'stop-pause', value: null }, ctx);
    await waitFor(async () => (await health(node!)) !== undefined, 5_000, `${node} answers after resume`);
  });

  it('clock: the store process itself reads the skewed time (libfaketime), and the heal puts it back', async () => {
    const nemesis = use(new ClockNemesis());
    await nemesis.setup(ctx);
    const r = await nemesis.invoke({ f: 'start-clock', value: { mode: 'bump', selector: 'one', deltaMs: 600_000 } }, ctx);
    const [node] = (r.value as { nodes: string[] }).nodes;
    const skew = async (n: string) => ((await health(n))?.time ?? Number.NaN) - Date.now();
    // libfaketime re-reads its offset file at most once a second.
    await waitFor(async () => (await skew(node!)) > 590_000, 5_000, `${node}'s store reads +600 s`);
    const other = cluster.nodes.find((n) => n.name !== node)!.name;
    expect(Math.abs(await skew(other))).toBeLessThan(5_000);
    await nemesis.invoke({ f: 'stop-clock', value: null }, ctx);
    await waitFor(async () => Math.abs(await skew(node!)) < 5_000, 5_000, `${node}'s clock back`);
  });

  it('copies the process output of every node, then stops every store process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-container-logs-'));
    try {
      expect(await copyNodeLogs(cluster, db, dir)).toEqual([]);
      expect(await readFile(join(dir, 'n2', 'own-store.log'), 'utf8')).toMatch(/n2: listening, primary n1, synchronous replication/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await db.teardown(cluster, spec);
    for (const n of cluster.nodes) expect(await cluster.countProcesses(n.name, '^node ')).toBe(0);
  });
});

describe('a container database from an image ref', () => {
  it('runs on an image the engine has, by name, and stops', async () => {
    const ref = containerDatabase({ name: 'tail', image: { ref: 'debian:bookworm-slim' }, start: ['tail', '-f', '/dev/null'], port: 9, ready: { command: 'test -d {{dataDir}}' } }).create();
    const c = await DockerCluster.create({ image: ref.image, nodes: 1, runId: `${runId}-ref`, log: () => undefined });
    try {
      await ref.setup(c, { ...spec, nemesis: [] });
      expect(c.image.tag).toBe('debian:bookworm-slim');
      expect(await c.countProcesses('n1', '^tail( |$)')).toBe(1);
      await ref.teardown(c, spec);
      expect(await c.countProcesses('n1', '^tail( |$)')).toBe(0);
    } finally {
      await c.teardown();
    }
    expect(await leftovers(`${runId}-ref`)).toEqual([]);
  });
});
