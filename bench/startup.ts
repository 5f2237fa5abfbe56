/**
 * `npm run bench:startup [-- --runs N] [--baseline REV] [--tsc]`: what a CI step pays per call —
 * `faultline --help`, and one `faultline check` over Porcupine's 102 etcd logs (as
 * checkers/linearizable/corpus.test.ts checks them: cas-register, --json) — as whole processes:
 * wall time and peak RSS, median of N runs, every configuration interleaved in the same run so
 * the shared machine's load falls on all alike.
 *
 * Configurations: `dist` (the compiled package, as installed: dist/, built first), `sources`
 * (the same code run from TypeScript through tsx), `--baseline REV` (that commit's tree, e.g.
 * the one before lazy loading and dist/, run as it ran then; node_modules shared), and `--tsc`
 * (the sources compiled file by file by tsc instead of bundled by esbuild: the alternative build).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusMissing, corpusPath } from '../test/support/corpus.ts';
import { buildDist } from '../scripts/build.ts';

const repo = join(import.meta.dirname, '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '');
};
const runs = Number(arg('runs') ?? 7);
const scratch = mkdtempSync(join(tmpdir(), 'faultline-startup-'));
const rssFile = join(scratch, 'rss');

interface Config {
  name: string;
  /** node argv before the CLI's own arguments. */
  argv: string[];
  env?: Record<string, string>;
}

await buildDist();
const configs: Config[] = [
  { name: 'dist (bundled)', argv: [join(repo, 'bin/faultline.js')] },
  { name: 'sources (tsx)', argv: [join(repo, 'bin/faultline.js')], env: { FAULTLINE_FROM_SOURCE: '1' } },
];
const baseline = arg('baseline');
if (baseline !== undefined) {
  const dir = join(scratch, 'baseline');
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git -C "${repo}" archive "${baseline}" | tar -x -C "${dir}"`]);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  configs.push({ name: `baseline ${baseline} (tsx)`, argv: [join(dir, 'bin/faultline.js')] });
}
if (process.argv.includes('--tsc')) {
  // Inside the checkout, so the compiled files find node_modules.
  const out = join(repo, '.cache', `startup-tsc-${process.pid}`);
  const tsconfig = join(repo, `.tsconfig.startup-${process.pid}.json`);
  writeFileSync(tsconfig, JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: false, rewriteRelativeImportExtensions: true, rootDir: '.', outDir: out }, include: [], files: ['cli/entry.ts'] }));
  try {
    execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
  } finally {
    rmSync(tsconfig);
  }
  writeFileSync(join(out, 'run.mjs'), "const { start } = await import('./cli/entry.js');\nawait start(process.argv.slice(2));\n");
  configs.push({ name: 'tsc (file per module)', argv: [join(out, 'run.mjs')] });
}

const logs = corpusMissing ? [] : Object.keys(JSON.parse(readFileSync(corpusPath('porcupine', 'verdicts.json'), 'utf8')).etcd as Record<string, boolean>).sort().map((f) => corpusPath('porcupine', 'jepsen', f));
const commands: { name: string; args: string[]; goalMs: number; expect: number }[] = [{ name: 'faultline --help', args: ['--help'], goalMs: 300, expect: 0 }];
if (logs.length > 0) commands.push({ name: `faultline check (${logs.length} etcd logs)`, args: ['check', ...logs, '--checker', 'linearizable', '--model', 'cas-register', '--json'], goalMs: 500, expect: 1 });
else console.log(`no check figures: ${corpusMissing}`);

function once(config: Config, args: string[], expect: number): { ms: number; rss: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', join(repo, 'bench/support/peak-rss.mjs'), ...config.argv, ...args], {
    cwd: repo,
    env: { ...process.env, ...config.env, PEAK_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = performance.now() - start;
  if (r.status !== expect) throw new Error(`${config.name}: ${args[0]} exited ${r.status}, expected ${expect}: ${r.stderr.toString().slice(-500)}`);
  return { ms, rss: Number(readFileSync(rssFile, 'utf8')) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${runs} runs each, interleaved`);
const samples = new Map<string, { ms: number[]; rss: number[] }>();
// One warm-up round (tsx's cache, the page cache), then the measured ones.
for (let round = 0; round <= runs; round++) {
  for (const command of commands) {
    for (const config of configs) {
      const s = once(config, command.args, command.expect);
      if (round === 0) continue;
      const key = `${command.name}\0${config.name}`;
      const entry = samples.get(key) ?? { ms: [], rss: [] };
      entry.ms.push(s.ms);
      entry.rss.push(s.rss);
      samples.set(key, entry);
    }
  }
}
rmSync(scratch, { recursive: true, force: true });
rmSync(join(repo, '.cache', `startup-tsc-${process.pid}`), { recursive: true, force: true });

console.log('\n| command | build | wall (median) | min | peak RSS (median) | goal |\n|---|---|---|---|---|---|');
for (const command of commands) {
  for (const config of configs) {
    const s = samples.get(`${command.name}\0${config.name}`)!;
    const ms = median(s.ms);
    const goal = config === configs[0] ? `< ${command.goalMs} ms: ${ms < command.goalMs ? 'met' : 'NOT met'}` : '';
    console.log(`| ${command.name} | ${config.name} | ${ms.toFixed(0)} ms | ${Math.min(...s.ms).toFixed(0)} ms | ${(median(s.rss) / 2 ** 20).toFixed(0)} MiB | ${goal} |`);
  }
}
