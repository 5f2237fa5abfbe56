import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clockShiftArgs, parseClockShiftOutput, type ClockShiftStatus } from './clock-shift.ts';
import { buildClockShift, ensureDebianPackages, runTool } from './test-support.ts';

// Debian's etcd 3.4 (a Go binary, which libfaketime cannot skew) on this host in a temp dir, on
// loopback ports. Its own zap log timestamps are the measure: etcd logs "finished defragment"
// when asked to defragment, stamped with its time.Now().

const S = 1_000_000_000;

interface LogLine { ts: string; msg: string }

let tool: string;
let dir: string;
let etcd: ChildProcess;
let client: string;
const log: LogLine[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function call(path: string, body: object): Promise<Record<string, unknown>> {
  const r = await fetch(`${client}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
  return (await r.json()) as Record<string, unknown>;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Asks etcd to defragment and returns how far its log timestamp was from the controller's clock, in ms. */
async function measureLogOffsetMs(): Promise<number> {
  const from = log.length;
  const before = Date.now();
  await call('/v3/maintenance/defragment', {});
  const after = Date.now();
  const deadline = Date.now() + 5_000;
  let line: LogLine | undefined;
  while (!(line = log.slice(from).find((l) => l.msg === 'finished defragment')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!line) throw new Error('etcd logged no "finished defragment"');
  const ts = Date.parse(line.ts);
  // The stamp is in [before, after] on etcd's clock, truncated to the ms.
  return ts < before ? ts - before : ts > after + 1 ? ts - after - 1 : 0;
}

async function serves(key: string, value: string): Promise<void> {
  await call('/v3/kv/put', { key: b64(key), value: b64(value) });
  const got = await call('/v3/kv/range', { key: b64(key) });
  const kvs = got.kvs as { value: string }[];
  expect(Buffer.from(kvs[0]!.value, 'base64').toString()).toBe(value);
}

beforeAll(async () => {
  await ensureDebianPackages({ 'build-essential': 'compiles clock-shift', 'etcd-server': 'the Go binary whose clock is shifted' });
  tool = await buildClockShift();
  dir = mkdtempSync(join(tmpdir(), 'clock-shift-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  etcd = spawn(
    'etcd',
    ['--name', 'n1', '--data-dir', join(dir, 'data'), '--listen-client-urls', client, '--advertise-client-urls', client, '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer, '--initial-cluster', `n1=${peer}`, '--logger=zap', '--log-outputs=stderr'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let partial = '';
  etcd.stderr!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) log.push(JSON.parse(p) as LogLine);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const health = await fetch(`${client}/health`).then((r) => r.ok, () => false);
    if (health) break;
    if (Date.now() > deadline) throw new Error(`etcd did not become healthy in 30 s; last log: ${JSON.stringify(log.at(-1))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 600_000);

afterAll(() => {
  etcd?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("shifts a real etcd's own log timestamps by the offset, at run time, and back on heal, while it keeps serving", async () => {
  expect(Math.abs(await measureLogOffsetMs())).toBeLessThan(50);
  const file = join(dir, 'offsets');
  await runTool(tool, clockShiftArgs.set(file, { realtimeNs: 3600 * S }));
  const r = await runTool(tool, clockShiftArgs.attach(etcd.pid!, file));
  expect(r.exitCode, r.stderr).toBe(0);
  const attached = parseClockShiftOutput<ClockShiftStatus & { threads: number }>(r.stdout);
  expect(attached).toMatchObject({ attached: true, mode: 'relocate', realtimeNs: 3600 * S });
  expect(attached.threads).toBeGreaterThan(4);

  expect(Math.abs((await measureLogOffsetMs()) - 3_600_000)).toBeLessThan(50);
  await serves('k', 'v1');
  // Leases run on Go's monotonic clock, which a wall-clock shift leaves alone.
  const lease = await call('/v3/lease/grant', { TTL: 30 });
  const ttl = await call('/v3/lease/timetolive', { ID: lease.ID });
  expect(Number(ttl.TTL)).toBeGreaterThan(25);
  expect(Number(ttl.TTL)).toBeLessThanOrEqual(30);

  await runTool(tool, clockShiftArgs.set(file, { realtimeNs: -1800 * S })); // bump
  expect(Math.abs((await measureLogOffsetMs()) + 1_800_000)).toBeLessThan(50);
  await serves('k', 'v2');

  await runTool(tool, clockShiftArgs.set(file, { realtimeNs: 0 })); // heal
  expect(Math.abs(await measureLogOffsetMs())).toBeLessThan(50);

  await runTool(tool, clockShiftArgs.set(file, { realtimeNs: 600 * S }));
  const detached = await runTool(tool, clockShiftArgs.detach(etcd.pid!));
  expect(detached.exitCode, detached.stderr).toBe(0);
  expect(Math.abs(await measureLogOffsetMs())).toBeLessThan(50);
  await serves('k', 'v3');
});
