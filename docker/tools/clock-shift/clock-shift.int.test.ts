import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SHIFT_EXIT, CLOCK_SHIFT_SOURCE, clockShiftArgs, parseClockShiftOutput, type ClockShiftMode, type ClockShiftStatus } from './clock-shift.ts';
import { buildClockShift, buildTargets, ensureDebianPackages, JsonLines, runTool } from './test-support.ts';

// Real processes on this host: a Go program (time.Now, Go's monotonic clock), a C program (glibc's
// clock_gettime, gettimeofday, time), each compared within the same thread with the raw syscall,
// which no vDSO patch touches. Needs root (ptrace), gcc/binutils and golang-go.

const S = 1_000_000_000;
/** Wall-vs-raw difference allowed: two clock reads a few µs apart, plus scheduling noise. */
const TOLERANCE_NS = 50_000_000;

interface GoSample { tid: number; wall: number; elapsed: number; realRealtime: number; realMonotonic: number }
interface CSample { realtime: number; gettimeofday: number; time: number; monotonic: number; realRealtime: number; realMonotonic: number }

let tool: string;
let dir: string;
let targets: Awaited<ReturnType<typeof buildTargets>>;
const started: JsonLines<unknown>[] = [];

beforeAll(async () => {
  await ensureDebianPackages({ 'build-essential': 'compiles clock-shift and its C test targets', 'golang-go': 'builds the Go test target' });
  tool = await buildClockShift();
  dir = mkdtempSync(join(tmpdir(), 'clock-shift-'));
  targets = await buildTargets(dir);
}, 600_000);

afterAll(() => {
  for (const p of started) p.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start<T>(command: string, args: readonly string[]): JsonLines<T> {
  const p = new JsonLines<T>(command, args);
  started.push(p as JsonLines<unknown>);
  return p;
}

async function ok<T extends object = ClockShiftStatus>(args: readonly string[]): Promise<T> {
  const r = await runTool(tool, args);
  expect(r.exitCode, r.stderr).toBe(0);
  return parseClockShiftOutput(r.stdout) as T;
}

const near = (value: number, target: number, tolerance = TOLERANCE_NS): boolean => Math.abs(value - target) < tolerance;
const goSkew = (s: GoSample): number => s.wall - s.realRealtime;

/** Waits until the target prints three lines in a row that satisfy `ok`. */
async function settles<T>(p: JsonLines<T>, ok: (s: T) => boolean): Promise<T[]> {
  const from = p.lines.length;
  await p.waitFor(3, ok, from);
  const last = p.lines.slice(-3);
  await p.waitFor(3, () => true, p.lines.length);
  const next = p.lines.slice(-3);
  expect([...last, ...next].every(ok), JSON.stringify(next)).toBe(true);
  return next;
}

function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

it('passes its C unit tests (prologue relocation, vDSO ELF checks incl. non-x86_64 images)', async () => {
  const r = await execa('make', ['-s', '-C', CLOCK_SHIFT_SOURCE, 'check']);
  expect(r.stdout).toMatch(/clock-shift unit tests: \d+ checks, 0 failing/);
});

describe.each(['relocate', 'syscall'] satisfies ClockShiftMode[])('a Go program, %s mode', (mode) => {
  it('sees time.Now() move by the offset, change at run time, and come back on heal and on detach', async () => {
    const p = start<GoSample>(targets.clockprint, ['-threads', '1']);
    await settles(p, (s) => near(goSkew(s), 0));
    const file = join(dir, `offsets-${mode}`);
    await ok(clockShiftArgs.set(file, { realtimeNs: 30 * S }));

    const attached = await ok(clockShiftArgs.attach(p.pid, file, mode));
    expect(attached).toMatchObject({ attached: true, already: false, mode, functions: ['clock_gettime', 'gettimeofday', 'time'], realtimeNs: 30 * S });
    await settles(p, (s) => near(goSkew(s), 30 * S));

    await ok(clockShiftArgs.set(file, { realtimeNs: -20 * S })); // bump: no ptrace, the process reads the file
    await settles(p, (s) => near(goSkew(s), -20 * S));

    await ok(clockShiftArgs.set(file, { realtimeNs: 0 })); // heal
    await settles(p, (s) => near(goSkew(s), 0));

    // Re-attaching is a no-op; detaching restores the vDSO, so the file no longer matters.
    expect(await ok(clockShiftArgs.attach(p.pid, file, mode))).toMatchObject({ attached: true, already: true });
    await ok(clockShiftArgs.set(file, { realtimeNs: 5 * S }));
    await settles(p, (s) => near(goSkew(s), 5 * S));
    expect(await ok(clockShiftArgs.detach(p.pid))).toMatchObject({ detached: true });
    await settles(p, (s) => near(goSkew(s), 0));
    expect(await ok(clockShiftArgs.status(p.pid))).toEqual({ pid: p.pid, attached: false });
    p.kill();
  });
});

it("shifts Go's monotonic clock forward only, and refuses to let it go back", async () => {
  const p = start<GoSample>(targets.clockprint, ['-threads', '1']);
  await p.waitFor(2);
  const file = join(dir, 'offsets-monotonic');
  await ok(clockShiftArgs.attach(p.pid, file));
  const [before] = await p.waitFor(1);
  await ok(clockShiftArgs.set(file, { monotonicNs: 7 * S }));
  // Go's time.Since uses the monotonic reading: elapsed jumps by 7 s against the raw clock.
  const jumped = (s: GoSample): boolean => near(s.elapsed - before!.elapsed - (s.realMonotonic - before!.realMonotonic), 7 * S);
  await settles(p, jumped);
  await settles(p, (s) => near(goSkew(s), 0)); // the wall clock is untouched

  const back = await runTool(tool, clockShiftArgs.set(file, { monotonicNs: 0 }));
  expect(back.exitCode).toBe(CLOCK_SHIFT_EXIT.refused);
  expect(back.stderr).toMatch(/the monotonic offset may only grow \(7000000000 -> 0 ns/);
  const detach = await runTool(tool, clockShiftArgs.detach(p.pid));
  expect(detach.exitCode).toBe(CLOCK_SHIFT_EXIT.refused);
  expect(detach.stderr).toMatch(/monotonic offset of 7000000000 ns: detaching would make its monotonic clock jump back/);
  expect(await ok(clockShiftArgs.status(p.pid))).toMatchObject({ attached: true, monotonicNs: 7 * S });
  p.kill();
});

it('reaches every thread of a many-threaded Go program, threads created after the injection too', async () => {
  const p = start<GoSample>(targets.clockprint, ['-threads', '8']);
  const before = await p.waitFor(24);
  const oldTids = new Set(before.map((s) => s.tid));
  expect(oldTids.size).toBe(8);
  const file = join(dir, 'offsets-threads');
  await ok(clockShiftArgs.set(file, { realtimeNs: 45 * S }));
  const attached = await ok<ClockShiftStatus & { threads: number }>(clockShiftArgs.attach(p.pid, file));
  expect(attached.threads).toBeGreaterThan(8); // the 8 printers and the Go runtime's own
  expect(attached.threads).toBe(readdirSync(`/proc/${p.pid}/task`).length);

  const from = p.lines.length;
  p.child.stdin!.write('spawn 4\n');
  const shifted = (s: GoSample): boolean => near(goSkew(s), 45 * S);
  const deadline = Date.now() + 10_000;
  const tidsShifted = (): Set<number> => new Set(p.lines.slice(from).filter(shifted).map((s) => s.tid));
  while (tidsShifted().size < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const tids = tidsShifted();
  expect(tids.size).toBe(12);
  expect([...tids].filter((t) => !oldTids.has(t))).toHaveLength(4);
  // A thread born after the injection never saw the real clock through the vDSO.
  const newThreadLines = p.lines.slice(from).filter((s) => !oldTids.has(s.tid));
  expect(newThreadLines.every(shifted), JSON.stringify(newThreadLines.find((s) => !shifted(s)))).toBe(true);
  p.kill();
});

describe('a C program (glibc)', () => {
  it('sees clock_gettime, gettimeofday and time shifted, and a stopped process stays stopped', async () => {
    const p = start<CSample>(targets.probe, ['watch']);
    await p.waitFor(2);
    process.kill(p.pid, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 100));
    expect(processState(p.pid)).toBe('T');
    const file = join(dir, 'offsets-c');
    await ok(clockShiftArgs.set(file, { realtimeNs: 3600 * S }));
    await ok(clockShiftArgs.attach(p.pid, file));
    expect(processState(p.pid)).toBe('T');
    const count = p.lines.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(p.lines.length).toBe(count);
    process.kill(p.pid, 'SIGCONT');
    await settles(
      p,
      (s) =>
        near(s.realtime - s.realRealtime, 3600 * S) &&
        near(s.gettimeofday - s.realRealtime, 3600 * S) &&
        near(s.time - s.realRealtime, 3600 * S, 1.1 * S) && // whole seconds of the coarse clock
        near(s.monotonic - s.realMonotonic, 0),
    );
    p.kill();
  });

  // The tool's test hook SIGKILLs the target after that many injected syscalls (mmap, open, mmap, close).
  it.each([0, 1, 2, 3])('reports a process that exits during the injection (killed after %i injected syscalls)', async (n) => {
    const p = start<CSample>(targets.probe, ['watch']);
    await p.waitFor(1);
    const r = await runTool(tool, clockShiftArgs.attach(p.pid, join(dir, 'offsets-exit')), { CLOCK_SHIFT_TEST_KILL_AFTER_SYSCALLS: String(n) });
    expect(r.exitCode).toBe(CLOCK_SHIFT_EXIT.noProcess);
    expect(r.stderr).toBe(`clock-shift: process ${p.pid} exited during injection\n`.trimEnd());
  });
});

describe('refusals', () => {
  it('a process that does not exist', async () => {
    const r = await runTool(tool, clockShiftArgs.attach(2147483647, join(dir, 'offsets-none')));
    expect(r).toMatchObject({ exitCode: CLOCK_SHIFT_EXIT.noProcess, stderr: 'clock-shift: no process 2147483647', stdout: '' });
  });

  it('a process without a vDSO mapping', async () => {
    const p = start<{ realRealtime: number }>(targets.probe, ['no-vdso']);
    await p.waitFor(1);
    const r = await runTool(tool, clockShiftArgs.attach(p.pid, join(dir, 'offsets-novdso')));
    expect(r.exitCode).toBe(CLOCK_SHIFT_EXIT.unsupported);
    expect(r.stderr).toContain(`process ${p.pid} has no vDSO mapping ([vdso] is missing from /proc/${p.pid}/maps`);
    p.kill();
  });

  it('a 32-bit (i386) process: not x86_64', async () => {
    const p = start<never>(targets.i386, []);
    await new Promise((r) => setTimeout(r, 100));
    const r = await runTool(tool, clockShiftArgs.attach(p.pid, join(dir, 'offsets-i386')));
    expect(r.exitCode).toBe(CLOCK_SHIFT_EXIT.unsupported);
    expect(r.stderr).toBe(`clock-shift: process ${p.pid} is a 32-bit i386 process: only 64-bit x86_64 processes are supported`);
    p.kill();
  });

  it('a process another tracer holds', async () => {
    const p = start<{ child: number }>(targets.probe, ['traced']);
    const [{ child }] = (await p.waitFor(1)) as [{ child: number }];
    const r = await runTool(tool, clockShiftArgs.attach(child, join(dir, 'offsets-traced')));
    expect(r.exitCode).toBe(CLOCK_SHIFT_EXIT.permission);
    expect(r.stderr).toBe(`clock-shift: process ${child} is already traced by process ${p.pid} (a debugger or strace): detach it first`);
    process.kill(child, 'SIGKILL');
  });

  it('another offset file for a process already attached, a malformed offset file, bad arguments', async () => {
    const p = start<CSample>(targets.probe, ['watch']);
    await p.waitFor(1);
    await ok(clockShiftArgs.attach(p.pid, join(dir, 'offsets-a')));
    const other = await runTool(tool, clockShiftArgs.attach(p.pid, join(dir, 'offsets-b')));
    expect(other.exitCode).toBe(CLOCK_SHIFT_EXIT.conflict);
    expect(other.stderr).toContain(`already attached to another offset file (${join(dir, 'offsets-a')})`);

    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not offsets');
    const bad = await runTool(tool, clockShiftArgs.get(junk));
    expect(bad).toMatchObject({ exitCode: CLOCK_SHIFT_EXIT.offsetFile, stderr: `clock-shift: ${junk} is not a clock-shift offset file: it has 11 bytes, expected 4096` });

    const relative = await runTool(tool, ['attach', String(p.pid), '--offset-file', 'offsets']);
    expect(relative.exitCode).toBe(CLOCK_SHIFT_EXIT.usage);
    expect(relative.stderr).toContain('the offset file must be an absolute path');
    const unknown = await runTool(tool, ['attach', String(p.pid), '--offset', '/x']);
    expect(unknown.exitCode).toBe(CLOCK_SHIFT_EXIT.usage);
    expect(unknown.stderr).toContain('unknown option for attach: --offset');
    const noNumber = await runTool(tool, ['set', join(dir, 'offsets-a'), '--realtime-ns', '5s']);
    expect(noNumber.exitCode).toBe(CLOCK_SHIFT_EXIT.usage);
    expect(noNumber.stderr).toContain('--realtime-ns needs an integer, got 5s');
    p.kill();
  });
});
