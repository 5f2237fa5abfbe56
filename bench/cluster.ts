// npm run bench:cluster — seconds until a 5-node etcd cluster is healthy, cold (etcd image built
// from scratch, no layer cache) and warm (image present), and teardown time.
// The cold build goes to a throwaway tag so images other runs use are never removed.
import { loadavg } from 'node:os';
import { DockerCluster } from '../docker/docker-cluster.ts';
import { dockerClient, ensureEngine } from '../docker/engine.ts';
import { EtcdDatabase } from '../docker/etcd/etcd-database.ts';
import { ensureImage } from '../docker/images.ts';
import { ensureBaseImage } from '../docker/base-image.ts';
import { defineSpec } from '../harness/test-spec.ts';

const NODES = 5;
const WARM_RUNS = 3;
const quiet = () => {};
const test = defineSpec({
  name: 'bench-cluster', db: 'etcd', workload: 'register', nodes: NODES, concurrency: 1, rate: 1, timeLimit: 1,
  nemesis: [], nemesisInterval: 1, recovery: 1, seed: 1, options: {},
}); // prettier-ignore

const seconds = (ms: number) => (ms / 1000).toFixed(2);
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function clusterUp(): Promise<{ create: number; healthy: number; teardown: number }> {
  const db = new EtcdDatabase();
  const [cluster, create] = await timed(() => DockerCluster.create({ image: db.image, nodes: NODES, log: quiet }));
  try {
    const [, healthy] = await timed(() => db.setup(cluster, test));
    const [, teardown] = await timed(() => cluster.teardown());
    return { create, healthy, teardown };
  } finally {
    await cluster.teardown();
  }
}

await ensureEngine();
await ensureBaseImage();
await ensureImage('etcd', { log: quiet });
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared)`);

const [cold, build] = await timed(() => ensureImage('etcd', { noCache: true, repository: 'faultline-bench', log: quiet }));
await dockerClient().getImage(cold.tag).remove().catch(() => {});
console.log(`cold: etcd image build (no cache, base image present): ${seconds(build)} s`);

const runs = [];
for (let i = 0; i < WARM_RUNS; i++) {
  const r = await clusterUp();
  runs.push(r);
  console.log(`warm run ${i + 1}: containers+network ${seconds(r.create)} s, etcd healthy with a leader ${seconds(r.healthy)} s, total ${seconds(r.create + r.healthy)} s; teardown ${seconds(r.teardown)} s`);
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const warm = median(runs.map((r) => r.create + r.healthy));
console.log(`\n${NODES}-node etcd healthy: warm ${seconds(warm)} s (median of ${WARM_RUNS}), cold ${seconds(build + warm)} s (image build + warm)`);
console.log(`teardown: ${seconds(median(runs.map((r) => r.teardown)))} s (median)`);
console.log('base image (debootstrap + import), when missing: about 60 s on this machine; not rebuilt here because other runs share it');
