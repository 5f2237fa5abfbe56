/**
 * How reliably each oracle line (test/support/sql-oracle-lines.ts) comes out as expected, over
 * several seeds: `npm run bench:sql-oracles -- [--seeds 5] [--time-limit 30] [--only TEXT]`.
 * Runs two at a time, as the integration suite does, and prints a Markdown table: runs as
 * expected, anomalies found (median), when the first one happened (median s), ok/fail ops.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pairOps } from '../harness/history/op.ts';
import { readHistoryFile } from '../harness/importers/read-history.ts';
import type { RunResult } from '../harness/store/run-result.ts';
import { getNemesis } from '../nemesis/registry.ts';
import { faultline } from '../test/support/faultline-process.ts';
import { laned, ORACLE_LINES, oracleRunArgs, type OracleLine } from '../test/support/sql-oracle-lines.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const seeds = Number(arg('seeds', '5'));
const timeLimit = Number(arg('time-limit', '30'));
const only = arg('only', '');

interface Sample {
  expected: boolean;
  /** What shows the run tested something: effective faults, commits left in doubt by kills. */
  evidence?: string;
  valid: RunResult['valid'];
  found: number;
  firstAnomalyS?: number;
  ok: number;
  fail: number;
  info: number;
  wallS: number;
}

const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

async function sample(line: OracleLine, store: string, seed: number): Promise<Sample> {
  const t0 = performance.now();
  const r = await faultline(oracleRunArgs(line, store, timeLimit, seed));
  const wallS = (performance.now() - t0) / 1000;
  if (!r.stdout.trim()) throw new Error(`${line.title}, seed ${seed}: no result (exit ${r.code}): ${r.stderr.slice(-500)}`);
  const result = JSON.parse(r.stdout) as RunResult;
  const anomalies = Object.values(result.checkers).flatMap((c) => c.anomalies);
  const type = line.anomalies[0];
  const counts = Object.values(result.checkers).map((c) => (c.details?.anomalyCounts as Record<string, number> | undefined)?.[type ?? ''] ?? c.anomalies.filter((a) => a.type === type).length);
  let firstAnomalyS: number | undefined;
  if (anomalies.length > 0) {
    const times = new Map<number, number>();
    for (const l of (await readFile(join(result.dir, 'history.jsonl'), 'utf8')).split('\n')) {
      if (l) {
        const op = JSON.parse(l) as { index: number; time: number };
        times.set(op.index, op.time);
      }
    }
    firstAnomalyS = Math.min(...anomalies.flatMap((a) => a.ops ?? []).map((i) => (times.get(i) ?? Infinity) / 1e9));
  }
  const expected = result.valid === line.valid && line.anomalies.every((a) => result.anomalyTypes.includes(a));
  let evidence: string | undefined;
  if (line.extraArgs?.includes('--nemesis')) {
    const history = await readHistoryFile(join(result.dir, 'history.jsonl'));
    const took = pairOps(history).filter((p) => p.invoke.process === 'nemesis' && p.invoke.f.startsWith('start-') && p.completion && !p.completion.error).map((p) => p.invoke.f.slice(6));
    const pending = (result.checkers['2pc']?.details as { pendingCommits?: number } | undefined)?.pendingCommits;
    evidence = [...new Set(took)].map((f) => `${took.filter((x) => x === f).length} ${f}`).join(', ') + (pending === undefined ? '' : `; ${pending} commits in doubt`);
  }
  return { expected, evidence, valid: result.valid, found: Math.max(0, ...counts), firstAnomalyS, ok: result.ops.ok, fail: result.ops.fail, info: result.ops.info, wallS };
}

const store = await mkdtemp(join(tmpdir(), 'faultline-bench-sql-'));
const lane = laned<Sample>(2);
// Lines with faults need the nemesis in this build.
const lines = ORACLE_LINES.filter((l) => l.title.includes(only) && (!l.extraArgs?.includes('--nemesis') || getNemesis('kill') !== undefined));
const started = performance.now();
const results = await Promise.all(lines.map(async (line) => ({ line, samples: await Promise.all(Array.from({ length: seeds }, (_, i) => lane(() => sample(line, store, 1000 + i)))) })));
await rm(store, { recursive: true, force: true });

console.log(`${seeds} seeds (1000…${999 + seeds}) per line, ${timeLimit} s runs, 2 at a time; ${((performance.now() - started) / 60_000).toFixed(1)} min in all\n`);
console.log('| line | as expected | anomalies found (median) | first anomaly at (median s) | ok / fail / info ops (median) | faults that took effect, per run |');
console.log('|---|---|---|---|---|---|');
for (const { line, samples } of results) {
  const good = samples.filter((s) => s.expected).length;
  const firsts = samples.flatMap((s) => (s.firstAnomalyS === undefined ? [] : [s.firstAnomalyS]));
  const found = line.valid ? '—' : String(median(samples.map((s) => s.found)));
  const first = line.valid ? '—' : firsts.length ? median(firsts).toFixed(1) : 'never';
  const ops = `${median(samples.map((s) => s.ok))} / ${median(samples.map((s) => s.fail))} / ${median(samples.map((s) => s.info))}`;
  const evidence = samples.some((s) => s.evidence) ? samples.map((s) => s.evidence).join(' · ') : '—';
  console.log(`| ${line.title} | ${good}/${samples.length} | ${found} | ${first} | ${ops} | ${evidence} |`);
}
