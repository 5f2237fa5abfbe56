/**
 * `npm run bench:dense`: the linearizability checker on dense single-key cas-register histories
 * (issue #14: 10,000 ops on one key with 20–50 clients always in flight, 5 values), linearizable
 * ones and ones with a planted stale read at 80% (certainly not linearizable, so the search must
 * rule out every configuration before it). Each case runs in a fresh node process, so the peak
 * RSS is its own; the defaults apply (1 GiB search memory, 5-minute time limit). The machine is
 * shared: CPU time is printed beside wall time, with the load average.
 * `--against DIR` checks the same histories with the checker of another checkout (the "before"
 * figures: `--against /work/main`); interleave runs of both when comparing, the machine is shared.
 * Usage: bench/dense.ts [--clients 20,30,50] [--ops 10000] [--seed 7] [--time-limit SECONDS] [--against DIR]
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CheckResult } from '../harness/result.ts';
import { denseRegisterHistory } from '../test/support/dense-register.ts';

interface Measurement {
  clients: number;
  kind: string;
  ops: number;
  ms: number;
  cpuMs: number;
  peakRssMB: number;
  valid: unknown;
  error?: string;
  configs?: unknown;
}

const KINDS = ['valid', 'valid, 1% crashed', 'stale read'] as const;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

type Check = (history: unknown, options: Record<string, unknown>) => CheckResult | Promise<CheckResult>;

async function child(root: string, clients: number, kind: (typeof KINDS)[number], ops: number, seed: number, timeLimit: number | undefined): Promise<void> {
  const mod = (await import(pathToFileURL(`${root}/checkers/linearizable/linearizable-checker.ts`).href)) as { checkLinearizable: Check };
  const history = denseRegisterHistory({
    ops,
    processes: clients,
    values: 5,
    seed,
    crashRate: kind === 'valid, 1% crashed' ? 0.01 : 0,
    ...(kind === 'stale read' ? { staleReadAt: 0.8 } : {}),
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  const r = await mod.checkLinearizable(history, { model: 'cas-register', ...(timeLimit === undefined ? {} : { timeLimitMs: timeLimit * 1000 }) });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const m: Measurement = {
    clients,
    kind,
    ops,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    valid: r.valid,
    configs: r.stats?.configs,
    ...(r.error ? { error: r.error } : {}),
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function main(): void {
  const clients = arg('clients', '20,30,50').split(',').map(Number);
  const ops = Number(arg('ops', '10000'));
  const seed = Number(arg('seed', '7'));
  const timeLimit = arg('time-limit', '');
  const self = fileURLToPath(import.meta.url);
  const root = arg('against', fileURLToPath(new URL('..', import.meta.url))).replace(/\/$/, '');
  console.log(`dense cas-register histories: ${ops} ops on one key, 5 values, seed ${seed}; node ${process.version}`);
  console.log(`checker: ${root}`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  console.log('\n| clients | history | verdict | wall | CPU | peak RSS | configurations | note |\n|---|---|---|---|---|---|---|---|');
  for (const c of clients) {
    for (const kind of KINDS) {
      let out: string;
      try {
        out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', root, String(c), kind, String(ops), String(seed), timeLimit], { encoding: 'utf8', maxBuffer: 1 << 24 });
      } catch (err) {
        // A checker that dies (out of heap) is a figure too.
        console.log(`| ${c} | ${kind} | crashed | | | | | ${String((err as Error).message).split('\n')[0]} |`);
        continue;
      }
      const m = JSON.parse(out.trim().split('\n').pop()!) as Measurement;
      const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
      console.log(`| ${c} | ${kind} | ${String(m.valid)} | ${s(m.ms)} | ${s(m.cpuMs)} | ${m.peakRssMB.toFixed(0)} MB | ${String(m.configs)} | ${m.error ?? ''} |`);
    }
  }
}

const c = process.argv.indexOf('--child');
if (c >= 0) {
  const [root, clients, kind, ops, seed, limit] = process.argv.slice(c + 1);
  await child(root!, Number(clients), kind as (typeof KINDS)[number], Number(ops), Number(seed), limit ? Number(limit) : undefined);
} else main();
