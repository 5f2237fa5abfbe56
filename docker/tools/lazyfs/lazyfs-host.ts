import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { EnvironmentError } from '../../../harness/errors.ts';
import { installHostPackages, stderrLog } from '../../engine.ts';
import { contextHash } from '../../images.ts';

/** Debian packages that building and mounting lazyfs on this host needs, and what each is for. */
export const LAZYFS_PACKAGES: Record<string, string> = {
  'build-essential': 'the C compiler and make that build lazyfs',
  'libfuse3-dev': 'the FUSE 3 library lazyfs is written against',
  'pkg-config': 'finds libfuse3’s compiler flags',
  fuse3: 'fusermount3, which mounts and unmounts lazyfs',
};

/** This folder: the C sources, the Makefile and the Dockerfile. */
export const LAZYFS_SOURCE = fileURLToPath(new URL('.', import.meta.url));

/** `-o metadata=` and `-o odirect=` (README.md beside this file says what each means). */
export interface LazyfsOptions {
  metadata?: 'journal' | 'posix';
  odirect?: 'buffered' | 'durable';
}

/** What `stat` (and /.lazyfs/stat) answers. */
export interface LazyfsStat {
  dirty_bytes: number;
  dirty_files: number;
  pending_names: number;
  metadata: 'journal' | 'posix';
  odirect: 'buffered' | 'durable';
  writes: number;
  bytes_written: number;
  fsyncs: number;
  flushed_bytes: number;
  loses: number;
  syncs: number;
  undo_errors: number;
  commit_errors: number;
}

/** What `lose` answers: what it threw away. */
export interface LazyfsLoss {
  lost_bytes: number;
  lost_files: number;
  undone_names: number;
}

/**
 * Builds lazyfs on this host (installing the Debian packages it needs when missing) into a
 * folder named for the sources' hash, so an unchanged tree is not rebuilt. Returns the binary.
 */
export async function buildLazyfs(log: (line: string) => void = stderrLog): Promise<string> {
  await installHostPackages(log, 'lazyfs is built from source', LAZYFS_PACKAGES);
  const out = join(tmpdir(), `faultline-lazyfs-${contextHash(LAZYFS_SOURCE).slice(0, 12)}`);
  const r = await execa('make', ['-s', '-C', LAZYFS_SOURCE, `OUT=${out}`], { reject: false, all: true });
  if (r.exitCode !== 0) throw new EnvironmentError(`building lazyfs failed (make exit ${r.exitCode}): ${r.all}`);
  return join(out, 'lazyfs');
}

/** Mount points of lazyfs file systems on this host (from /proc/mounts). */
export function lazyfsMounts(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f[2] === 'fuse.lazyfs')
    .map((f) => (f[1] ?? '').replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A running lazyfs mount; `unmount` (or `await using`) removes it, whatever state it is in. */
export class MountedLazyfs implements AsyncDisposable {
  constructor(
    readonly binary: string,
    readonly backing: string,
    readonly mountpoint: string,
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the daemon printed on stderr so far. */
  get log(): string {
    return this.output.join('');
  }

  /** Writes one command to /.lazyfs/ctl and returns the JSON reply read from the same open file. */
  control(command: string): unknown {
    const fd = openSync(join(this.mountpoint, '.lazyfs/ctl'), 'r+');
    try {
      writeSync(fd, command);
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(4096);
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) chunks.push(Buffer.from(buf.subarray(0, n)));
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  }

  lose(): LazyfsLoss {
    return this.control('lose') as LazyfsLoss;
  }

  syncAll(): unknown {
    return this.control('sync-all');
  }

  stat(): LazyfsStat {
    return JSON.parse(readFileSync(join(this.mountpoint, '.lazyfs/stat'), 'utf8')) as LazyfsStat;
  }

  /** Kills the daemon (a crash); auto_unmount takes the mount away. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill(signal);
      await exited;
    }
    await this.waitUnmounted(5_000);
  }

  /** fusermount3 -u, then a lazy unmount and SIGKILL for a mount that will not go. */
  async unmount(): Promise<void> {
    if (lazyfsMounts().includes(this.mountpoint)) {
      await execa('fusermount3', ['-u', this.mountpoint], { reject: false });
    }
    const exited = this.child.exitCode !== null || this.child.signalCode !== null;
    if (!exited) {
      const gone = await Promise.race([
        new Promise<boolean>((resolve) => this.child.once('exit', () => resolve(true))),
        sleep(10_000).then(() => false),
      ]);
      if (!gone) this.child.kill('SIGKILL');
    }
    if (lazyfsMounts().includes(this.mountpoint)) {
      await execa('fusermount3', ['-u', '-z', this.mountpoint], { reject: false });
      await execa('umount', ['-l', this.mountpoint], { reject: false });
    }
    await this.waitUnmounted(5_000);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.unmount();
  }

  private async waitUnmounted(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (lazyfsMounts().includes(this.mountpoint)) {
      if (Date.now() > deadline) throw new EnvironmentError(`lazyfs at ${this.mountpoint} is still mounted after ${timeoutMs} ms`);
      await sleep(20);
    }
  }
}

/**
 * Mounts `backing` at `mountpoint` with lazyfs in the foreground (a child of this process) and
 * waits until the mount is there. auto_unmount: if the daemon dies, the mount goes with it.
 */
export async function mountLazyfs(
  binary: string,
  backing: string,
  mountpoint: string,
  options: LazyfsOptions = {},
): Promise<MountedLazyfs> {
  const opts = ['auto_unmount'];
  if (options.metadata) opts.push(`metadata=${options.metadata}`);
  if (options.odirect) opts.push(`odirect=${options.odirect}`);
  const child = spawn(binary, [backing, mountpoint, '-f', '-o', opts.join(',')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const output: string[] = [];
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const mount = new MountedLazyfs(binary, backing, mountpoint, child, output);
  const deadline = Date.now() + 10_000;
  while (!lazyfsMounts().includes(mountpoint)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EnvironmentError(`lazyfs ${backing} ${mountpoint} exited (${child.exitCode ?? child.signalCode}) before mounting: ${output.join('').trim()}`);
    }
    if (Date.now() > deadline) {
      await mount.unmount();
      throw new EnvironmentError(`lazyfs did not mount ${mountpoint} within 10 s: ${output.join('').trim()}`);
    }
    await sleep(10);
  }
  return mount;
}
