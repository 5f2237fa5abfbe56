// npm run bench:harness [-- --concurrency 10 --seconds 5 --rounds 8 --nodes 5 --hosts IP,IP,… --option k=v]
//
// Operations per second through the harness (generator, scheduler, client worker, history
// writer) against a bare etcd3 client loop doing the same ops at the same concurrency against the
// same cluster: the harness's overhead. Rounds alternate bare / harness so drift hits both.
// Without --hosts it brings up a fresh Docker cluster (and reports how long until healthy);
// with --hosts it uses an etcd cluster already listening on IP:2379.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import type { Cluster } from '../harness/cluster.ts';
import { timeLimit } from '../harness/generator/combinators.ts';
import { HistoryWriter } from '../harness/history/writer.ts';
import { Random } from '../harness/random.ts';
import { defaultEnvironment } from '../cli/run/environment.ts';
import { silentLogger } from '../harness/logger.ts';
import { interpret } from '../harness/scheduler/interpreter.ts';
import { ClientWorker } from '../harness/scheduler/workers.ts';
import type { TestSpec } from '../harness/test-spec.ts';
import { parseOptions } from '../cli/commands/run.ts';
import { clientUrl } from '../docker/etcd/etcd-node.ts';
import { registerKey } from '../docker/etcd/etcd-register-client.ts';
import { registerOptions } from '../workloads/register/options.ts';
import { casRegister, registerOp } from '../workloads/register/register.ts';
import { etcdRegisterClient } from '../docker/etcd/etcd-register-client.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '8' },
    nodes: { type: 'string', default: '5' },
    hosts: { type: 'string' },
    option: { type: 'string', multiple: true, default: [] },
  },
});
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const nodes = Number(values.nodes);

const spec: TestSpec = {
  name: 'bench-harness', db: 'etcd', workload: 'register', nodes, concurrency, rate: 0, timeLimit: seconds,
  nemesis: [], nemesisInterval: 10, recovery: 0, seed: 1, options: parseOptions(values.option ?? []),
};

/** An existing cluster, for --hosts: only node addresses; nothing here controls the nodes. */
function existingCluster(ips: string[]): Cluster {
  const no = async (): Promise<never> => {
    throw new Error('not available for an existing cluster');
  };
  return {
    runId: 'existing', nodes: ips.map((ip, i) => ({ name: `n${i + 1}`, ip })),
    exec: no, netExec: no, signal: no, countProcesses: no, pause: no, unpause: no, writeFile: no, readFile: no, copyOut: no, teardown: async () => undefined,
  };
}

/** The same ops as the register workload, straight through etcd3: no generator, no history. */
async function bareLoop(cluster: Cluster): Promise<number> {
  const o = registerOptions(spec);
  const clients = Array.from({ length: concurrency }, (_, t) => new Etcd3({
    hosts: [clientUrl(cluster.nodes[t % cluster.nodes.length]!)],
    faultHandling: { host: () => noop, global: noop },
    defaultCallOptions: (call) => (call.isStream ? {} : { deadline: Date.now() + o.timeoutMs }),
  }));
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(clients.map(async (etcd, t) => {
    const draw = Random.fromSeed(t).stream();
    for (let n = 0; performance.now() < deadline; n++) {
      const op = registerOp(draw, o.valueRange);
      const key = registerKey(`bare-${t}-${Math.floor(n / o.opsPerKey)}`);
      try {
        if (op.f === 'read') await etcd.get(key).string();
        else if (op.f === 'write') await etcd.put(key).value(String(op.value));
        else {
          const [a, b] = op.value as [number, number];
          await etcd.if(key, 'Value', '==', String(a)).then(etcd.put(key).value(String(b))).commit();
        }
      } catch {
        // Counted like the harness counts a completion: the op ended.
      }
      done++;
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  for (const c of clients) c.close();
  return done / elapsed;
}

/** Runs the register workload through the scheduler for `ns`, recording the history; ops/s and µs per op. */
async function harnessRun(workers: ClientWorker[], ns: number, file: string, seed: number): Promise<{ opsPerSec: number; usPerOp: number }> {
  const writer = new HistoryWriter(file);
  let done = 0;
  const t0 = performance.now();
  await interpret({
    generator: timeLimit(ns, casRegister.generator(spec, Random.fromSeed(seed).fork('workload'))),
    concurrency,
    clients: workers,
    record: (op) => {
      writer.append(op);
      if (op.type !== 'invoke') done++;
    },
    log: silentLogger,
  });
  const elapsed = (performance.now() - t0) / 1000;
  writer.close();
  await Promise.all(workers.map((w) => w.close()));
  return { opsPerSec: done / elapsed, usPerOp: (elapsed * 1e6) / done };
}

async function throughHarness(cluster: Cluster, dir: string, round: number): Promise<number> {
  const workers = Array.from({ length: concurrency }, (_, t) => new ClientWorker(cluster.nodes[t % cluster.nodes.length]!.name, etcdRegisterClient, (c, node) => c.open(cluster, spec, node), 'etcd client'));
  return (await harnessRun(workers, seconds * 1e9, join(dir, `history-${round}.jsonl`), round)).opsPerSec;
}

/** The scheduler's own ceiling: the same pipeline with a client that answers at once. */
function ceiling(dir: string): Promise<{ opsPerSec: number; usPerOp: number }> {
  const instant = { open: async () => undefined, invoke: async (op: { value: unknown }) => ({ type: 'ok' as const, value: op.value }), close: async () => undefined };
  const workers = Array.from({ length: concurrency }, (_, t) => new ClientWorker(`n${(t % nodes) + 1}`, () => instant, async () => undefined, 'instant client'));
  return harnessRun(workers, 3e9, join(dir, 'ceiling.jsonl'), 9);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let cluster: Cluster;
let teardown = async () => undefined as void;
if (values.hosts) {
  cluster = existingCluster(values.hosts.split(','));
  console.log(`using the etcd cluster at ${values.hosts}`);
} else {
  const env = await defaultEnvironment();
  const db = env.databases.require('etcd').create();
  const t0 = performance.now();
  await env.backend.prepare(db, silentLogger);
  const prepared = performance.now();
  cluster = await env.backend.createCluster({ runId: `faultline-bench-${process.pid}`, nodes, db }, silentLogger);
  teardown = async () => {
    await db.teardown(cluster, spec).catch(() => undefined);
    await cluster.teardown();
  };
  process.once('SIGINT', () => void teardown().finally(() => process.exit(130)));
  await db.setup(cluster, spec);
  const healthy = performance.now();
  console.log(`engine and image ready in ${((prepared - t0) / 1000).toFixed(1)} s; ${nodes}-node etcd cluster healthy ${((healthy - prepared) / 1000).toFixed(1)} s later (${((healthy - t0) / 1000).toFixed(1)} s in all)`);
}

const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-'));
try {
  const c = await ceiling(dir);
  console.log(`scheduler ceiling (client that answers at once): ${fmt(c.opsPerSec)} ops/s, ${c.usPerOp.toFixed(1)} µs per op incl. history`);
  const bare: number[] = [];
  const harness: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so warm-up and drift do not favour one side.
    if (r % 2 === 0) {
      bare.push(await bareLoop(cluster));
      harness.push(await throughHarness(cluster, dir, r));
    } else {
      harness.push(await throughHarness(cluster, dir, r));
      bare.push(await bareLoop(cluster));
    }
    console.log(`round ${r + 1}: bare ${fmt(bare[r]!)} ops/s, harness ${fmt(harness[r]!)} ops/s`);
  }
  const b = median(bare);
  const h = median(harness);
  // The machine is shared: load moves both figures a lot between rounds, so the overhead is the
  // median of each round's paired ratio, not the ratio of medians.
  const ratio = median(harness.map((x, i) => x / bare[i]!));
  console.log(`bare etcd3 loop:      ${fmt(b)} ops/s (median of ${rounds}, concurrency ${concurrency}, ${seconds} s each)`);
  console.log(`through the harness:  ${fmt(h)} ops/s (median of ${rounds})`);
  console.log(`harness / bare:       ${(100 * ratio).toFixed(1)} % (median of per-round ratios; goal >= 90 %)`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await teardown();
}
