import { closeSync, existsSync, fsyncSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildLazyfs, type LazyfsOptions, lazyfsMounts, type MountedLazyfs, mountLazyfs } from './lazyfs-host.ts';

export type Sync = 'fsync' | 'fdatasync' | 'none';

/**
 * For integration tests on a real lazyfs mount: builds lazyfs once, mounts on fresh temp folders
 * on demand, and after each test unmounts everything and checks no lazyfs mount of its own is
 * left in /proc/mounts (even when the test failed).
 */
export function lazyfsFixture(): {
  /** A fresh empty backing directory mounted on a fresh mount point. */
  mount(options?: LazyfsOptions): Promise<MountedLazyfs>;
  /** Mounts again what an earlier mount used (after it was unmounted or killed). */
  remount(previous: MountedLazyfs, options?: LazyfsOptions): Promise<MountedLazyfs>;
  binary(): string;
} {
  let binary = '';
  let root = '';
  const mounts: MountedLazyfs[] = [];
  beforeAll(async () => {
    binary = await buildLazyfs();
    root = mkdtempSync(join(tmpdir(), 'lazyfs-test-'));
  }, 600_000);
  afterEach(async () => {
    for (const m of mounts.splice(0)) await m.unmount();
    expect(lazyfsMounts().filter((p) => p.startsWith(root))).toEqual([]);
  });
  afterAll(() => {
    if (root && lazyfsMounts().every((p) => !p.startsWith(root))) rmSync(root, { recursive: true, force: true });
  });
  return {
    async mount(options = {}) {
      const dir = mkdtempSync(join(root, 'm-'));
      mkdirSync(join(dir, 'backing'));
      mkdirSync(join(dir, 'mnt'));
      const m = await mountLazyfs(binary, join(dir, 'backing'), join(dir, 'mnt'), options);
      mounts.push(m);
      return m;
    },
    async remount(previous, options = {}) {
      const m = await mountLazyfs(binary, previous.backing, previous.mountpoint, options);
      mounts.push(m);
      return m;
    },
    binary: () => binary,
  };
}

/** Writes `data` at `offset` (creating the file), then fsyncs or fdatasyncs it if asked. */
export function put(path: string, data: string | Buffer, sync: Sync = 'none', offset = 0, flags = constants.O_WRONLY | constants.O_CREAT): void {
  const fd = openSync(path, flags, 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    writeSync(fd, buf, 0, buf.length, offset);
    if (sync === 'fsync') fsyncSync(fd);
    if (sync === 'fdatasync') fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync (or fdatasync) of a file or a directory, opened read-only. */
export function syncPath(path: string, sync: Exclude<Sync, 'none'> = 'fsync'): void {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    if (sync === 'fsync') fsyncSync(fd);
    else fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A file's content as text, or null when it does not exist. */
export function text(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** `n` bytes of a pattern that shows misplaced data (each byte depends on its offset). */
export function pattern(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 12)) & 0xff;
  return b;
}
