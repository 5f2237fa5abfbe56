/**
 * `npm run bench:linearizable`: the linearizability checker's speed against Porcupine's figures
 * (measured on a machine of this project's kind, see ../shared/corpus/README.md), in one process.
 * Parsing is excluded from checking times. Wall-clock and CPU time are both printed: the machine
 * is shared, so wall time includes waiting for a core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { checkLinearizable, type LinearizableOptions } from '../checkers/linearizable/linearizable-checker.ts';
import { simulateRegister } from '../checkers/linearizable/simulate-register.ts';
import type { CheckResult } from '../harness/result.ts';
import type { History, Op } from '../harness/history/op.ts';
import { parseJepsenEdn } from '../harness/importers/jepsen-edn.ts';
import { parseHistoryText } from '../harness/importers/read-history.ts';
import { corpusDir } from '../test/support/corpus.ts';

interface Timed {
  ms: number;
  cpuMs: number;
  result: CheckResult;
}

async function timed(history: History, options: LinearizableOptions): Promise<Timed> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await checkLinearizable(history, options);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

const rows: string[][] = [];
function row(what: string, figure: string, goal: string, met: boolean, note = ''): void {
  rows.push([what, figure, goal, met ? 'yes' : 'NO', note]);
  console.log(`${what}: ${figure} (goal ${goal}: ${met ? 'met' : 'NOT met'})${note ? ` — ${note}` : ''}`);
}
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const porcupine = join(corpusDir(), 'porcupine');
const verdicts = JSON.parse(readFileSync(join(porcupine, 'verdicts.json'), 'utf8')) as Record<'etcd' | 'kv', Record<string, boolean>>;
const read = (...path: string[]) => parseHistoryText(readFileSync(join(porcupine, ...path), 'utf8'), path.join('/'));

// 1. The 102 etcd histories, checked cold (the first checks in this process), then once more warm.
const etcd = readdirSync(join(porcupine, 'jepsen'))
  .filter((f) => f in verdicts.etcd)
  .sort()
  .map((f) => [f, read('jepsen', f)] as const);
for (const pass of ['cold', 'warm'] as const) {
  let total = 0;
  let cpu = 0;
  let slowest: [string, number] = ['', 0];
  let wrong = 0;
  for (const [name, history] of etcd) {
    const t = await timed(history, { model: 'cas-register' });
    total += t.ms;
    cpu += t.cpuMs;
    if (t.ms > slowest[1]) slowest = [name, t.ms];
    if (t.result.valid !== verdicts.etcd[name]) wrong++;
  }
  const note = `${pass}, CPU ${fmt(cpu)}${wrong ? `, ${wrong} WRONG VERDICTS` : ''}`;
  row(`etcd: ${etcd.length} histories, total`, fmt(total), '< 570 ms', total < 570 && wrong === 0, note);
  row(`etcd: slowest (${slowest[0]})`, fmt(slowest[1]), '< 190 ms', slowest[1] < 190, pass);
}

// 2. kv c50-ok with per-key decomposition; 3. kv c10-ok without it.
const c50 = await timed(read('kv', 'c50-ok.txt'), { model: 'kv' });
row('kv c50-ok, per key', fmt(c50.ms), '< 341 ms', c50.ms < 341 && c50.result.valid === true, `CPU ${fmt(c50.cpuMs)}, valid: ${c50.result.valid}, ${c50.result.stats?.configs} configurations`);
const c10 = await timed(read('kv', 'c10-ok.txt'), { model: 'kv', perKey: false });
row('kv c10-ok, decomposition off', fmt(c10.ms), '< 3.5 s', c10.ms < 3500 && c10.result.valid === true, `CPU ${fmt(c10.cpuMs)}, valid: ${c10.result.valid}, ${c10.result.stats?.configs} configurations`);

// 4. A generated 1,000,000-op history over 1,000 keys with crashes: 10 clients work through the
// keys in order, 1,000 ops each (as jepsen.independent does), 1% of ops crash.
const genStart = performance.now();
const big: Op[] = simulateRegister({ ops: 1_000_000, processes: 10, keys: 1000, values: 5, crashRate: 0.01, seed: 20261126 });
const genMs = performance.now() - genStart;
const crashed = big.filter((op) => op.type === 'info').length;
const heapBefore = process.memoryUsage().heapUsed;
const bigCheck = await timed(big, { model: 'cas-register' });
const peakRss = process.resourceUsage().maxRSS * 1024;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
row(
  '1M ops / 1000 keys with crashes',
  fmt(bigCheck.ms),
  '< 30 s',
  bigCheck.ms < 30_000 && bigCheck.result.valid === true,
  `CPU ${fmt(bigCheck.cpuMs)}, valid: ${bigCheck.result.valid}, ${big.length} history entries, ${crashed} info, generated in ${fmt(genMs)}`,
);
row('1M ops: peak memory (process RSS)', mib(peakRss), '< 1 GiB', peakRss < 2 ** 30, `JS heap with the history loaded: ${mib(heapBefore)}`);

// 5. Importing the same history as Jepsen EDN, one op map per line.
const edn = big.map((op) => `{:type :${op.type}, :f :${op.f}, :value ${ednValue(op.value)}, :process ${op.process}, :time ${op.time}, :index ${op.index}, :key ${op.key}}`).join('\n');
const importStart = performance.now();
const imported = parseJepsenEdn(edn, 'big.edn');
const importMs = performance.now() - importStart;
console.log(`import: ${imported.length} EDN lines (${mib(edn.length)}) in ${fmt(importMs)}, ${((imported.length / importMs) * 1000).toFixed(0)} lines/s`);

function ednValue(v: unknown): string {
  return v === null ? 'nil' : Array.isArray(v) ? `[${v.map(ednValue).join(' ')}]` : String(v);
}

console.log('\n| measure | figure | goal | met | note |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
