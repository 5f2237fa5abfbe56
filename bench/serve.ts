/**
 * `npx tsx bench/serve.ts [-- --ops N --requests R]`: a store with one run of N history lines
 * (default 300,000) and no report.html, served by `faultline serve`; R parallel requests
 * (default 8) for its report, as a browser with several tabs or a reload-happy user sends them.
 * Prints the time until all are answered, how long the event loop was blocked at most, the
 * process's peak RSS, and how many times the report was drawn (goal: once).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startStoreServer } from '../reports/serve/store-server.ts';
import { largeRun, storeRun } from '../test/support/report-runs.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ops = arg('ops', 300_000);
const requests = arg('requests', 8);

function get(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    })
      .on('error', reject)
      .end();
  });
}

const root = await mkdtemp(join(tmpdir(), 'faultline-bench-serve-'));
try {
  const store = join(root, 'store');
  await mkdir(store);
  const run = largeRun(ops);
  const dir = await storeRun(store, run, '20260101T000000.000');
  const path = `${dir.slice(store.length)}/report.html`;
  const server = await startStoreServer({ store, port: 0 });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: requests }, () => get(`${server.url.replace(/\/$/, '')}${path}`)));
  const wallMs = performance.now() - started;
  delay.disable();
  clearInterval(sampler);
  const drawn = (server as { reportsDrawn?: () => number }).reportsDrawn?.();
  await server.close();
  console.log(`serve: ${requests} parallel requests for the report of a ${ops.toLocaleString('en')}-line run without report.html`);
  console.log(`  statuses ${[...new Set(replies.map((r) => r.status))].join(',')}, ${(replies[0]!.bytes / 1e6).toFixed(1)} MB each`);
  console.log(`  all answered after ${(wallMs / 1000).toFixed(1)} s; event loop blocked up to ${(delay.max / 1e9).toFixed(1)} s at a time`);
  console.log(`  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; report drawn ${drawn === undefined ? '(not counted by this build)' : `${drawn} time(s)`}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
