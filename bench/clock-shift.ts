// npm run bench:clock-shift — what a clock-shifted clock_gettime costs. A C probe calls glibc's
// clock_gettime(CLOCK_REALTIME) (which goes to the vDSO) in a loop and prints ns per call every
// 200 ms; the phases below alternate in the same process, several rounds, so machine noise
// falls on every phase alike:
//   real       not attached (the kernel's vDSO)
//   relocate0  attached, relocated prologue, offset 0 (a healed node)
//   relocate   attached, relocated prologue, offset +1 s
//   syscall    attached with --mode syscall (the fallback), offset +1 s
// Options: --rounds N (default 4), --samples N per phase (default 5).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockShiftArgs } from '../docker/tools/clock-shift/clock-shift.ts';
import { buildClockShift, buildTargets, JsonLines, runTool } from '../docker/tools/clock-shift/test-support.ts';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const ROUNDS = flag('rounds', 4);
const SAMPLES = flag('samples', 5);
const PHASES = ['real', 'relocate0', 'relocate', 'syscall'] as const;

const dir = mkdtempSync(join(tmpdir(), 'clock-shift-bench-'));
const tool = await buildClockShift();
const { probe } = await buildTargets(dir);
const target = new JsonLines<{ nsPerCall: number }>(probe, ['bench', '200']);
const file = join(dir, 'offsets');
const results = new Map<string, number[]>(PHASES.map((p) => [p, []]));

async function must(args: string[]): Promise<void> {
  const r = await runTool(tool, args);
  if (r.exitCode !== 0) throw new Error(`clock-shift ${args.join(' ')}: exit ${r.exitCode}: ${r.stderr}`);
}

async function sample(phase: string): Promise<void> {
  await target.waitFor(1); // the first sample may straddle the change
  const got = await target.waitFor(SAMPLES);
  results.get(phase)!.push(...got.slice(0, SAMPLES).map((s) => s.nsPerCall));
}

try {
  await target.waitFor(2);
  for (let round = 0; round < ROUNDS; round++) {
    await sample('real');
    await must(clockShiftArgs.set(file, { realtimeNs: 0 }));
    await must(clockShiftArgs.attach(target.pid, file, 'relocate'));
    await sample('relocate0');
    await must(clockShiftArgs.set(file, { realtimeNs: 1_000_000_000 }));
    await sample('relocate');
    await must(clockShiftArgs.detach(target.pid));
    await must(clockShiftArgs.attach(target.pid, file, 'syscall'));
    await sample('syscall');
    await must(clockShiftArgs.detach(target.pid));
  }
} finally {
  target.kill();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(results.get('real')!);
console.log(`clock_gettime(CLOCK_REALTIME) through glibc and the vDSO, ${ROUNDS} rounds x ${SAMPLES} samples of 200 ms, phases interleaved`);
console.log('phase       median ns/call   min     max     vs real');
for (const phase of PHASES) {
  const xs = results.get(phase)!;
  const m = median(xs);
  console.log(`${phase.padEnd(11)} ${m.toFixed(1).padStart(8)}     ${Math.min(...xs).toFixed(1).padStart(6)}  ${Math.max(...xs).toFixed(1).padStart(6)}   ${phase === 'real' ? '' : `${m >= base ? '+' : ''}${(m - base).toFixed(1)} ns`}`);
}
