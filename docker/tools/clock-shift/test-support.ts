import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { missingPackages } from '../../engine.ts';
import { CLOCK_SHIFT_BUILT, CLOCK_SHIFT_SOURCE } from './clock-shift.ts';

/** apt-get installs the Debian packages a test needs that are missing (CI starts from a fresh machine). */
export async function ensureDebianPackages(packages: Record<string, string>): Promise<void> {
  const missing = await missingPackages(Object.keys(packages));
  if (missing.length === 0) return;
  process.stderr.write(`clock-shift tests: installing ${missing.map((p) => `${p} (${packages[p]})`).join(', ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['-q', 'update'], { env, stdio: ['ignore', 2, 2] });
  await execa('apt-get', ['-q', '-y', 'install', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 2, 2] });
}

/** Builds the tool (incrementally) and returns its path. */
export async function buildClockShift(): Promise<string> {
  await execa('make', ['-s', '-C', CLOCK_SHIFT_SOURCE], { stdio: ['ignore', 'pipe', 2] });
  return CLOCK_SHIFT_BUILT;
}

const testdata = join(CLOCK_SHIFT_SOURCE, 'testdata');

/** The C probe, the Go clockprint and the i386 loop, built into `dir`. */
export async function buildTargets(dir: string): Promise<{ probe: string; clockprint: string; i386: string }> {
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, 'probe');
  const clockprint = join(dir, 'clockprint');
  const i386 = join(dir, 'i386-loop');
  await execa('cc', ['-O2', '-Wall', '-o', probe, join(testdata, 'probe.c')]);
  await execa('go', ['build', '-o', clockprint, join(testdata, 'clockprint', 'main.go')], { env: { ...process.env, GO111MODULE: 'off', GOCACHE: join(tmpdir(), 'clock-shift-go-cache') } });
  await execa('as', ['--32', '-o', `${i386}.o`, join(testdata, 'i386-loop.S')]);
  await execa('ld', ['-m', 'elf_i386', '-o', i386, `${i386}.o`]);
  return { probe, clockprint, i386 };
}

export interface ToolRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runTool(binary: string, args: readonly string[], env: Record<string, string> = {}): Promise<ToolRun> {
  const r = await execa(binary, args, { reject: false, env: { ...process.env, ...env } });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A target process whose stdout is JSON lines, collected as they come. */
export class JsonLines<T> {
  readonly lines: T[] = [];
  readonly child: ChildProcess;
  private partial = '';

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      const parts = (this.partial + d.toString()).split('\n');
      this.partial = parts.pop()!;
      for (const p of parts) if (p.trim()) this.lines.push(JSON.parse(p) as T);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for `count` lines after index `from` that satisfy `ok`; returns them. */
  async waitFor(count: number, ok: (line: T) => boolean = () => true, from = this.lines.length, timeoutMs = 10_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.lines.slice(from).filter(ok);
      if (got.length >= count) return got;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} matching lines; have ${got.length} of ${this.lines.length - from} new`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
