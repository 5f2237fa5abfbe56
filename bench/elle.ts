/**
 * `npm run bench:elle`: generates Elle-style list-append histories (10 active keys, 1–4 micro-ops
 * per transaction, 10 processes, failed and crashed transactions, from a seeded simulated
 * strict-serializable store) and prints how long the list-append checker takes, and the peak
 * memory, per consistency model. Each (size, model) runs in a fresh node process, so peaks do
 * not mix. The machine is shared, so each is run `--repeat` times and the fastest kept; CPU
 * time (all threads, GC helpers included) is printed beside wall time, with the load average.
 * Usage: bench/elle.ts [--sizes 100000,1000000] [--models a,b] [--seed 1] [--repeat 1]
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { listAppendChecker } from '../checkers/elle/list-append-checker.ts';
import { simulate } from '../test/support/simulated-store.ts';

const NODE_FLAGS = ['--max-old-space-size=4096', '--max-semi-space-size=64'];

interface Measurement {
  size: number;
  model: string;
  ops: number;
  generateMs: number;
  checkMs: number;
  /** CPU time of the whole process during the check (all threads, GC helpers included). */
  checkCpuMs: number;
  phases: unknown;
  valid: unknown;
  historyRssMB: number;
  peakRssMB: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

async function child(size: number, model: string, seed: number): Promise<void> {
  let t = performance.now();
  const { history } = simulate({ seed, txns: size, isolation: 'strict-serializable' });
  const generateMs = performance.now() - t;
  globalThis.gc?.();
  const historyRssMB = process.memoryUsage().rss / 2 ** 20;
  t = performance.now();
  const cpu = process.cpuUsage();
  const result = await listAppendChecker.check(history, { consistencyModel: model });
  const checkMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const checkCpuMs = (used.user + used.system) / 1000;
  const m: Measurement = {
    size,
    model,
    ops: history.length,
    generateMs,
    checkMs,
    checkCpuMs,
    phases: result.stats?.phases,
    valid: result.valid,
    historyRssMB,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function main(): void {
  const sizes = arg('sizes', '100000,1000000').split(',').map(Number);
  const models = arg('models', 'strict-serializable,serializable,snapshot-isolation').split(',');
  const seed = Number(arg('seed', '1'));
  const repeat = Number(arg('repeat', '1'));
  const self = fileURLToPath(import.meta.url);
  console.log(`list-append checker; node ${process.version}; flags ${NODE_FLAGS.join(' ')}; seed ${seed}; best of ${repeat}`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  console.log('txns       model                 check s  (cpu s)   peak RSS MB  (history alone MB)  valid');
  for (const size of sizes) {
    for (const model of models) {
      let m: Measurement | undefined;
      for (let r = 0; r < repeat; r++) {
        const out = execFileSync(process.execPath, [...NODE_FLAGS, '--expose-gc', '--import', 'tsx', self, '--child', String(size), model, String(seed)], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        const run = JSON.parse(out.trim().split('\n').pop()!) as Measurement;
        if (!m || run.checkMs < m.checkMs) m = run;
      }
      if (!m) continue;
      console.log(
        `${String(size).padEnd(10)} ${model.padEnd(21)} ${(m.checkMs / 1000).toFixed(2).padStart(7)}  (${(m.checkCpuMs / 1000).toFixed(2).padStart(5)})   ${m.peakRssMB.toFixed(0).padStart(11)}  (${m.historyRssMB.toFixed(0)})${' '.repeat(14)}${String(m.valid)}`,
      );
      console.log(`           phases ms ${JSON.stringify(m.phases)}`);
    }
  }
}

const c = process.argv.indexOf('--child');
if (c >= 0) await child(Number(process.argv[c + 1]), process.argv[c + 2]!, Number(process.argv[c + 3]));
else main();
