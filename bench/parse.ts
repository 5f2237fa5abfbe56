/**
 * `npm run bench:parse`: how long `faultline check` takes on big Jepsen EDN histories, as a
 * user runs it — the whole process (startup, reading, checking), wall time and peak memory
 * from /usr/bin/time — against the goals of issue #14:
 *
 * - list-append: 1M transactions (2M history lines, about 290 MB), `--checker list-append`:
 *   under 10 s and 2.5 GB;
 * - register: 1M operations over 1,000 keys as jepsen.independent [k v] tuples (about 185 MB),
 *   `--checker linearizable`: under 8 s and 1 GB.
 *
 * The reader alone is timed too (a child that only reads the file), to tell reading from
 * checking. The files are generated from seeded simulations into a temporary folder and
 * removed afterwards. The machine is shared, so each measure is the best of `--repeat` runs
 * and the load average is printed; CPU time (user + system, all threads) is printed beside
 * wall time because it depends less on what else the machine is doing.
 *
 * Usage: bench/parse.ts [--ops 1000000] [--repeat 2] [--only append|register] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateRegister } from '../checkers/linearizable/simulate-register.ts';
import type { Op } from '../harness/history/op.ts';
import { readHistory } from '../harness/importers/read-history.ts';
import { simulate } from '../test/support/simulated-store.ts';

interface Case {
  name: 'append' | 'register';
  checker: string;
  goalSeconds: number;
  goalMB: number;
  generate(ops: number, file: string): Promise<void>;
}

interface Measure {
  wallS: number;
  cpuS: number;
  rssMB: number;
  output: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** Jepsen EDN for the values these histories hold: nil, numbers, keywords and vectors. */
function edn(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return `[${v.map(edn).join(' ')}]`;
  if (typeof v === 'string') return `:${v}`;
  return String(v);
}

/** Writes one Jepsen op map per line, with times in nanoseconds as Jepsen records them. */
async function writeEdn(file: string, ops: readonly Op[], value: (op: Op) => string): Promise<void> {
  const out = createWriteStream(file);
  let buffer = '';
  for (const op of ops) {
    buffer += `{:index ${op.index}, :time ${op.time * 1000 + 123_456_789}, :type :${op.type}, :process ${op.process}, :f :${op.f}, :value ${value(op)}}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

const cases: Case[] = [
  {
    name: 'append',
    checker: 'list-append',
    goalSeconds: 10,
    goalMB: 2500,
    generate: async (ops, file) => {
      const { history } = simulate({ seed: 1, txns: ops, isolation: 'strict-serializable' });
      await writeEdn(file, history, (op) => edn(op.value));
    },
  },
  {
    name: 'register',
    checker: 'linearizable',
    goalSeconds: 8,
    goalMB: 1000,
    generate: async (ops, file) => {
      const history = simulateRegister({ ops, processes: 10, keys: 1000, values: 5, crashRate: 0.01, seed: 20261126 });
      await writeEdn(file, history, (op) => `[${op.key} ${edn(op.value)}]`);
    },
  },
];

/** Runs a command under /usr/bin/time -v and reads its wall time, CPU time and peak RSS. */
function timed(args: string[]): Measure {
  const r = spawnSync(TIME, ['-v', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const field = (name: string) => new RegExp(`${name}: (.*)`).exec(r.stderr)?.[1]?.trim() ?? '';
  const [sec = 0, min = 0, hours = 0] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').map(Number).reverse();
  const wallS = sec + min * 60 + hours * 3600;
  const cpuS = Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'));
  const rssMB = Number(field('Maximum resident set size \\(kbytes\\)')) / 1024;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return { wallS, cpuS, rssMB, output: r.stdout.trim().split('\n')[0] ?? '' };
}

function best(runs: number, args: string[]): Measure {
  let m: Measure | undefined;
  for (let i = 0; i < runs; i++) {
    const r = timed(args);
    if (!m || r.wallS < m.wallS) m = r;
  }
  return m!;
}

async function readOnly(file: string): Promise<void> {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const { ops } = await readHistory(file);
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ ops: ops.length, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 })}\n`);
}

async function main(): Promise<void> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure a whole process (Debian package "time")`);
  const ops = Number(arg('ops', '1000000'));
  const repeat = Number(arg('repeat', '2'));
  const only = arg('only', '');
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-parse-'));
  const self = fileURLToPath(import.meta.url);
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; best of ${repeat}; files in ${dir}`);
  const rows: string[] = [];
  try {
    for (const c of cases) {
      if (only && c.name !== only) continue;
      const file = join(dir, `${c.name}.edn`);
      let t = performance.now();
      await c.generate(ops, file);
      console.log(`\n${c.name}: generated ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      globalThis.gc?.();
      const read = best(repeat, ['--import', 'tsx', self, '--read-only', file]);
      const readJson = JSON.parse(read.output) as { ops: number; ms: number; cpuMs: number };
      console.log(`  read only: ${readJson.ops} ops, ${(readJson.ms / 1000).toFixed(2)} s in the reader (${(readJson.cpuMs / 1000).toFixed(2)} s CPU); process ${read.wallS.toFixed(2)} s wall, ${read.cpuS.toFixed(2)} s CPU, ${read.rssMB.toFixed(0)} MB peak`);
      const check = best(repeat, ['bin/faultline.js', 'check', file, '--checker', c.checker]);
      const met = check.wallS < c.goalSeconds && check.rssMB < c.goalMB;
      console.log(`  check:     ${check.wallS.toFixed(2)} s wall, ${check.cpuS.toFixed(2)} s CPU, ${check.rssMB.toFixed(0)} MB peak (goal < ${c.goalSeconds} s, < ${c.goalMB} MB: ${met ? 'met' : 'NOT met'})`);
      console.log(`             ${check.output}`);
      rows.push(`| ${c.name} (${c.checker}) | ${check.wallS.toFixed(2)} s | ${check.cpuS.toFixed(2)} s | ${check.rssMB.toFixed(0)} MB | < ${c.goalSeconds} s, < ${c.goalMB} MB | ${met ? 'yes' : 'NO'} | ${(readJson.ms / 1000).toFixed(2)} s |`);
      if (!process.argv.includes('--keep')) rmSync(file);
    }
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('\n| history | wall | CPU | peak RSS | goal | met | of which reading |\n|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

const i = process.argv.indexOf('--read-only');
if (i >= 0) await readOnly(process.argv[i + 1]!);
else await main();
