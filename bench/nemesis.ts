// npm run bench:nemesis — what the nemesis finds and costs on 5-node etcd, through the CLI as a
// user runs it:
//   1. `--nemesis partition,kill,pause` with quorum reads for 120 s: the verdict (etcd is
//      linearizable here, so anything but valid is a harness bug) and availability per fault.
//   2. `--read-consistency serializable --nemesis partition` for 120 s on 10 seeds: how many
//      found non-linearizable (stale) reads, and how far into the run the first one was.
// Options: --seeds N (default 10), --time-limit S (default 120), --skip-quorum.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHistoryFile } from '../harness/importers/read-history.ts';
import type { RunResult } from '../harness/store/run-result.ts';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const SEEDS = flag('seeds', 10);
const TIME_LIMIT = flag('time-limit', 120);
const repo = join(import.meta.dirname, '..');

async function run(args: string[]): Promise<{ result: RunResult; code: number | null; wallS: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(repo, 'bin/faultline.js'), 'run', '--json', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  try {
    return { result: JSON.parse(out) as RunResult, code, wallS: (performance.now() - t0) / 1000 };
  } catch {
    throw new Error(`faultline run ${args.join(' ')} exited ${code} without a result:\n${err.slice(-2000)}`);
  }
}

const s = (ns: number) => (ns / 1e9).toFixed(1);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const store = await mkdtemp(join(tmpdir(), 'faultline-bench-nemesis-'));
const base = ['--db', 'etcd', '--workload', 'register', '--nodes', '5', '--time-limit', String(TIME_LIMIT), '--nemesis-interval', '10', '--store', store];
console.log(`bench:nemesis — 5-node etcd, ${TIME_LIMIT} s runs, nemesis interval 10 s, recovery 10 s; load average at start ${load()} (2 cores, shared)`);

try {
  if (!argv.includes('--skip-quorum')) {
    const { result, code, wallS } = await run([...base, '--nemesis', 'partition,kill,pause', '--seed', '1']);
    console.log(`\n1. --nemesis partition,kill,pause, linearizable reads, seed 1: ${result.valid === true ? 'valid' : `NOT VALID (${result.valid})`} (exit ${code}), ${result.ops.ok} ok / ${result.ops.fail} fail / ${result.ops.info} info, ${wallS.toFixed(0)} s wall`);
    for (const [name, c] of Object.entries(result.checkers)) console.log(`   ${name}: ${c.valid}${c.error ? ` (${c.error})` : ''}`);
    console.log('   fault       from–to (s)     ok   fail  info   ok %   longest gap   heal→first ok');
    for (const a of result.availability ?? []) {
      const total = a.ok + a.fail + a.info;
      console.log(`   ${a.fault.padEnd(10)} ${`${s(a.start)}–${s(a.end)}`.padStart(13)} ${String(a.ok).padStart(6)} ${String(a.fail).padStart(6)} ${String(a.info).padStart(5)} ${(total ? (100 * a.ok) / total : 0).toFixed(0).padStart(5)}%   ${(a.longestGapMs / 1000).toFixed(2).padStart(8)} s   ${a.healToFirstOkMs === undefined ? '       — (final heal)' : `${(a.healToFirstOkMs / 1000).toFixed(2).padStart(8)} s`}`);
    }
    const byFault = new Map<string, { n: number; ok: number; total: number; gap: number }>();
    for (const a of result.availability ?? []) {
      const f = byFault.get(a.fault) ?? { n: 0, ok: 0, total: 0, gap: 0 };
      f.n++;
      f.ok += a.ok;
      f.total += a.ok + a.fail + a.info;
      f.gap = Math.max(f.gap, a.longestGapMs);
      byFault.set(a.fault, f);
    }
    for (const [fault, f] of byFault) console.log(`   ${fault}: ${f.n} windows, ${((100 * f.ok) / Math.max(1, f.total)).toFixed(0)}% of ops ok inside them, longest gap ${(f.gap / 1000).toFixed(1)} s`);
  }

  console.log(`\n2. --read-consistency serializable --nemesis partition, ${SEEDS} seeds:`);
  let found = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { result, wallS } = await run([...base, '--nemesis', 'partition', '--read-consistency', 'serializable', '--seed', String(seed)]);
    const lin = result.checkers.linearizable;
    const anomalies = lin?.anomalies ?? [];
    let first = '';
    if (anomalies.length > 0) {
      found++;
      const history = await readHistoryFile(join(result.dir, 'history.jsonl'));
      const times = anomalies.flatMap((a) => (a.ops ?? []).map((i) => history[i]?.time ?? Infinity));
      first = `, first at ${s(Math.min(...times))} s`;
    }
    const partitions = (result.availability ?? []).filter((a) => a.fault === 'partition').length;
    console.log(`   seed ${String(seed).padStart(2)}: ${result.valid === false ? 'INVALID' : String(result.valid).padEnd(7)} ${String(anomalies.length).padStart(3)} non-linearizable keys${first}; ${partitions} partitions; converged ${result.checkers.converged?.valid}; ${wallS.toFixed(0)} s wall`);
  }
  console.log(`   found stale reads in ${found} of ${SEEDS} seeds; load average now ${load()}`);
} finally {
  await rm(store, { recursive: true, force: true });
}
