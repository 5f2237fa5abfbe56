// faultline's test of the store in ./store: five nodes, the built-in register workload (read,
// write and compare-and-set on many keys, checked for linearizability, then every key read back
// from every node), and network partitions.
//
//   npx faultline run --test ./faultline-test.ts                      → INVALID (exit 1)
//   OWN_STORE_SYNC=1 npx faultline run --test ./faultline-test.ts     → valid (exit 0)
import { defineClient, defineTest } from 'faultline';
import { containerDatabase } from 'faultline/docker';

const sync = process.env.OWN_STORE_SYNC === '1';
const PORT = 8080;

interface Node {
  url: string;
}

/** Network trouble before the request left is a `fail` (it certainly did not happen); after, `info` (it may have). */
function notSent(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH';
}

const register = defineClient<Node>({
  name: 'own-store register client',
  open: ({ node }) => ({ url: `http://${node.ip}:${PORT}` }),
  async invoke({ url }, op) {
    const key = String(op.key);
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(1500) });
    try {
      if (op.f === 'read') {
        const res = await fetch(`${url}/read?key=${encodeURIComponent(key)}`, { signal: AbortSignal.timeout(1500) });
        if (res.status !== 200) return { type: 'fail', error: `HTTP ${res.status}: ${await res.text()}` };
        return { type: 'ok', value: ((await res.json()) as { value: number | null }).value };
      }
      const res = op.f === 'write' ? await post('/write', { key, value: op.value }) : await post('/cas', { key, from: (op.value as number[])[0], to: (op.value as number[])[1] });
      if (res.status === 200) return { type: 'ok', value: op.value };
      const body = (await res.json().catch(() => ({}))) as { error?: string; sent?: boolean };
      // 409: the compare failed; 503 with sent: false: the follower could not reach the primary.
      const certain = res.status === 409 || (res.status === 503 && body.sent === false);
      return { type: certain ? 'fail' : 'info', error: `HTTP ${res.status}: ${body.error ?? ''}` };
    } catch (err) {
      // A read changes nothing, so a read that went wrong did not happen.
      return { type: op.f === 'read' || notSent(err) ? 'fail' : 'info', error: String((err as Error).cause ?? err) };
    }
  },
});

const ownStore = containerDatabase({
  name: 'own-store',
  description: `the example store, ${sync ? 'synchronous' : 'asynchronous'} replication`,
  image: { context: new URL('./server/', import.meta.url) },
  start: 'node /app/store.mjs --node {{node}} --port {{port}} --nodes {{nodes}}',
  env: { SYNC: sync ? '1' : '0' },
  port: PORT,
  ready: { http: '/health' },
  readyTimeoutMs: 20_000,
  primaries: (nodes) => [nodes[0]!.name],
  // The image has libfaketime (see server/Dockerfile), and Node reads the wall clock through libc.
  clock: true,
  clients: { register },
});

export default defineTest({
  name: sync ? 'own-store-sync' : 'own-store',
  database: ownStore,
  workload: 'register',
  nodes: 5,
  concurrency: 10,
  rate: 100,
  timeLimit: 20,
  nemesis: ['partition'],
  nemesisInterval: 5,
  recovery: 3,
  options: { opsPerKey: 100 },
});
