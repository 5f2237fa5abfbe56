import { closeSync, constants, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, renameSync, rmdirSync, statSync, symlinkSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lazyfsFixture, pattern, put, syncPath, text } from './lazyfs-fixture.ts';

const FALLOC_FL_KEEP_SIZE = 1;
const FALLOC_FL_PUNCH_HOLE = 2;
const EOPNOTSUPP = 95;
const FALLOCATE = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDWR)
r = libc.fallocate(fd, int(sys.argv[2]), ctypes.c_long(0), ctypes.c_long(int(sys.argv[3])))
print(r if r == 0 else f"{r} {ctypes.get_errno()}")
`;

// Bookkeeping of un-fsynced state on a real lazyfs mount, one rule per test (README.md beside
// this file states the rules). Each test mounts its own empty backing directory.
describe('lazyfs: what survives `lose`', () => {
  const fs = lazyfsFixture();

  it('keeps a file written and fsynced, and drops one written and not fsynced', async () => {
    const m = await fs.mount();
    const kept = join(m.mountpoint, 'kept');
    const lost = join(m.mountpoint, 'lost');
    put(kept, 'acknowledged', 'fsync');
    put(lost, 'never synced');
    expect(text(lost)).toBe('never synced');
    expect(readFileSync(join(m.backing, 'kept'), 'utf8')).toBe('acknowledged');
    expect(statSync(join(m.backing, 'lost')).size).toBe(0); // the backing file holds only durable data
    const before = m.stat();
    expect(before.dirty_files).toBe(1);
    expect(before.dirty_bytes).toBe(4096);
    expect(before.pending_names).toBe(1);
    expect(m.lose()).toEqual({ lost_bytes: 4096, lost_files: 1, undone_names: 1 });
    expect(text(kept)).toBe('acknowledged');
    expect(text(lost)).toBeNull();
    expect(m.stat()).toMatchObject({ dirty_files: 0, dirty_bytes: 0, pending_names: 0, loses: 1 });
  });

  it('fdatasync makes data durable like fsync; later un-synced overwrites are lost', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'f');
    put(f, pattern(10_000), 'fdatasync');
    put(f, 'XXXX', 'fdatasync', 5000);
    put(f, 'YYYY', 'none', 6000);
    put(f, 'ZZZZ', 'none', 9998); // grows the file by 2 bytes
    const expected = pattern(10_000);
    expected.write('XXXX', 5000);
    expect(statSync(f).size).toBe(10_002);
    m.lose();
    expect(readFileSync(f).equals(expected)).toBe(true);
  });

  it('orders directory changes: fsync of a later file makes an earlier creation durable (journal)', async () => {
    const m = await fs.mount();
    put(join(m.mountpoint, 'first'), 'data never synced');
    put(join(m.mountpoint, 'second'), 'synced', 'fsync');
    m.lose();
    expect(text(join(m.mountpoint, 'first'))).toBe(''); // its name was durable, its data not
    expect(text(join(m.mountpoint, 'second'))).toBe('synced');
  });

  it('undoes a rename over an existing file unless it is made durable', async () => {
    const m = await fs.mount();
    const a = join(m.mountpoint, 'a');
    const tmp = join(m.mountpoint, 'a.tmp');
    put(a, 'old', 'fsync');
    put(tmp, 'new', 'fsync');
    renameSync(tmp, a);
    expect(text(a)).toBe('new');
    expect(readdirSync(m.mountpoint)).toEqual(['a']);
    expect(m.lose().undone_names).toBe(1);
    expect(text(a)).toBe('old');
    expect(text(tmp)).toBe('new');

    renameSync(tmp, a);
    syncPath(m.mountpoint); // the directory's fsync makes the rename durable
    m.lose();
    expect(text(a)).toBe('new');
    expect(text(tmp)).toBeNull();
    expect(readdirSync(join(m.backing, '.lazyfs/graveyard'))).toEqual([]); // the replaced file is gone for good
  });

  it('makes a rename durable by fsync of the renamed file (journal) but not of a file (posix)', async () => {
    for (const metadata of ['journal', 'posix'] as const) {
      const m = await fs.mount({ metadata });
      const a = join(m.mountpoint, 'a');
      const tmp = join(m.mountpoint, 'a.tmp');
      put(a, 'old', 'fsync');
      syncPath(m.mountpoint);
      put(tmp, 'new', 'fsync');
      renameSync(tmp, a);
      syncPath(a);
      m.lose();
      if (metadata === 'journal') expect([text(a), text(tmp)]).toEqual(['new', null]);
      else expect([text(a), text(tmp)]).toEqual(['old', null]); // posix: a.tmp's name was never durable either
      await m.unmount();
    }
  });

  it('loses a new file fsynced but not its directory, under metadata=posix', async () => {
    const m = await fs.mount({ metadata: 'posix' });
    put(join(m.mountpoint, 'orphan'), 'data', 'fsync');
    put(join(m.mountpoint, 'named'), 'data', 'fsync');
    syncPath(m.mountpoint);
    put(join(m.mountpoint, 'late'), 'data', 'fsync');
    m.lose();
    expect(readdirSync(m.mountpoint).sort()).toEqual(['named', 'orphan']);
    expect(m.stat().metadata).toBe('posix');
  });

  it('keeps the zero-length file of rename-without-fsync (the data was never synced, the name was)', async () => {
    const m = await fs.mount();
    const a = join(m.mountpoint, 'config');
    put(a, 'v1', 'fsync');
    put(`${a}.tmp`, 'v2');
    renameSync(`${a}.tmp`, a);
    syncPath(m.mountpoint);
    m.lose();
    expect(text(a)).toBe('');
  });

  it('undoes truncates that shrink or grow, and keeps them once fsynced', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'f');
    const original = pattern(10_000);
    put(f, original, 'fsync');
    truncateSync(f, 100);
    expect(statSync(f).size).toBe(100);
    m.lose();
    expect(readFileSync(f).equals(original)).toBe(true);

    truncateSync(f, 20_000);
    expect(readFileSync(f).equals(Buffer.concat([original, Buffer.alloc(10_000)]))).toBe(true);
    m.lose();
    expect(readFileSync(f).equals(original)).toBe(true);

    // Shrink then grow: the bytes cut off must read as zeros, before and after the fsync.
    const fd = openSync(f, 'r+');
    ftruncateSync(fd, 100);
    ftruncateSync(fd, 5000);
    writeSync(fd, Buffer.from('end'), 0, 3, 4997);
    const expected = Buffer.concat([original.subarray(0, 100), Buffer.alloc(4897), Buffer.from('end')]);
    expect(readFileSync(f).equals(expected)).toBe(true);
    fsyncSync(fd);
    closeSync(fd);
    m.lose();
    expect(readFileSync(f).equals(expected)).toBe(true);
    expect(readFileSync(join(m.backing, 'f')).equals(expected)).toBe(true);
  });

  it('undoes an O_TRUNC open and the writes after it', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'f');
    put(f, 'durable content', 'fsync');
    put(f, 'short', 'none', 0, constants.O_WRONLY | constants.O_TRUNC);
    expect(text(f)).toBe('short');
    m.lose();
    expect(text(f)).toBe('durable content');
  });

  it('brings back an unlinked file with its durable content unless the unlink is durable', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'f');
    put(f, 'durable', 'fsync');
    put(f, 'XX', 'none', 0);
    unlinkSync(f);
    expect(text(f)).toBeNull();
    m.lose();
    expect(text(f)).toBe('durable');

    unlinkSync(f);
    syncPath(m.mountpoint);
    m.lose();
    expect(text(f)).toBeNull();

    put(join(m.mountpoint, 'never'), 'x');
    unlinkSync(join(m.mountpoint, 'never'));
    expect(m.lose().undone_names).toBe(2);
    expect(readdirSync(m.mountpoint)).toEqual([]);
  });

  it('keeps working on an unlinked file through its open descriptor', async () => {
    for (const metadata of ['journal', 'posix'] as const) {
      const m = await fs.mount({ metadata });
      const f = join(m.mountpoint, 'f');
      put(f, 'abc', 'fsync');
      syncPath(m.mountpoint);
      const fd = openSync(f, 'r+');
      unlinkSync(f);
      writeSync(fd, Buffer.from('XYZW'), 0, 4, 0);
      fsyncSync(fd);
      const buf = Buffer.alloc(8);
      expect(readSync(fd, buf, 0, 8, 0)).toBe(4);
      closeSync(fd);
      m.lose();
      // journal: the fsync of the unlinked inode made its unlink durable too; posix: only a
      // directory fsync would, so the file comes back with the data its fsync made durable.
      expect(text(f)).toBe(metadata === 'journal' ? null : 'XYZW');
      await m.unmount();
    }
  });

  it('undoes mkdir and rmdir unless the parent directory is synced', async () => {
    const m = await fs.mount({ metadata: 'posix' });
    const d = join(m.mountpoint, 'd');
    mkdirSync(join(d, 'e'), { recursive: true });
    put(join(d, 'e', 'f'), 'data');
    m.lose();
    expect(readdirSync(m.mountpoint)).toEqual([]);

    mkdirSync(d);
    syncPath(m.mountpoint);
    rmdirSync(d);
    expect(readdirSync(m.mountpoint)).toEqual([]);
    m.lose();
    expect(statSync(d).isDirectory()).toBe(true);

    rmdirSync(d);
    syncPath(m.mountpoint);
    m.lose();
    expect(readdirSync(m.mountpoint)).toEqual([]);
    expect(() => rmdirSync(join(m.mountpoint, 'nope'))).toThrow(/ENOENT/);
  });

  it('refuses rmdir of a non-empty directory and unlink of a directory, like any file system', async () => {
    const m = await fs.mount();
    mkdirSync(join(m.mountpoint, 'd'));
    put(join(m.mountpoint, 'd', 'f'), 'x');
    expect(() => rmdirSync(join(m.mountpoint, 'd'))).toThrow(/ENOTEMPTY/);
    expect(() => unlinkSync(join(m.mountpoint, 'd'))).toThrow(/EISDIR/);
    mkdirSync(join(m.mountpoint, 'e'));
    expect(() => renameSync(join(m.mountpoint, 'e'), join(m.mountpoint, 'd'))).toThrow(/ENOTEMPTY/);
    expect(() => renameSync(join(m.mountpoint, 'd', 'f'), join(m.mountpoint, 'e'))).toThrow(/EISDIR/);
    expect(readdirSync(m.mountpoint).sort()).toEqual(['d', 'e']);
    expect(readdirSync(join(m.mountpoint, 'd'))).toEqual(['f']);
  });

  it('makes each O_SYNC and O_DSYNC write durable when it returns', async () => {
    const m = await fs.mount();
    const before = m.stat().fsyncs;
    put(join(m.mountpoint, 'sync'), 'osync', 'none', 0, constants.O_WRONLY | constants.O_CREAT | constants.O_SYNC);
    put(join(m.mountpoint, 'dsync'), 'odsync', 'none', 0, constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC);
    expect(m.stat().fsyncs).toBeGreaterThanOrEqual(before + 2);
    expect(m.stat().dirty_files).toBe(0);
    m.lose();
    expect(text(join(m.mountpoint, 'sync'))).toBe('osync');
    expect(text(join(m.mountpoint, 'dsync'))).toBe('odsync');
  });

  it('treats O_DIRECT writes as buffered by default and as durable with odirect=durable', async () => {
    for (const odirect of ['buffered', 'durable'] as const) {
      const m = await fs.mount({ odirect });
      const f = join(m.mountpoint, 'redo');
      put(f, 'header', 'fsync');
      put(f, pattern(4096, 3), 'none', 4096, constants.O_WRONLY | constants.O_DIRECT);
      expect(statSync(f).size).toBe(8192);
      m.lose();
      expect(statSync(f).size).toBe(odirect === 'durable' ? 8192 : 6);
      await m.unmount();
    }
  });

  it('keeps holes as zeros: sparse writes past EOF, before and after fsync', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'sparse');
    put(f, 'head', 'fsync');
    put(f, 'tail', 'none', 1 << 20);
    expect(statSync(f).size).toBe((1 << 20) + 4);
    const view = readFileSync(f);
    expect(view.subarray(4, 1 << 20).every((b) => b === 0)).toBe(true);
    m.lose();
    expect(text(f)).toBe('head');

    put(f, 'tail', 'fsync', 1 << 20);
    m.lose();
    const durable = readFileSync(f);
    expect(durable.length).toBe((1 << 20) + 4);
    expect(durable.subarray(0, 4).toString()).toBe('head');
    expect(durable.subarray(1 << 20).toString()).toBe('tail');
    expect(durable.subarray(4, 1 << 20).every((b) => b === 0)).toBe(true);
    expect(statSync(join(m.backing, 'sparse')).blocks).toBeLessThan(64); // only the written pages reached the disk
  });

  it('appends at the size readers see (O_APPEND), and loses the unsynced appends', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'log');
    const append = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND;
    put(f, 'one\n', 'fsync', 0, append);
    put(f, 'two\n', 'none', 0, append); // the offset is ignored: O_APPEND writes at the end
    put(f, 'three\n', 'none', 0, append);
    expect(text(f)).toBe('one\ntwo\nthree\n');
    m.lose();
    expect(text(f)).toBe('one\n');
    put(f, 'four\n', 'none', 0, append);
    expect(text(f)).toBe('one\nfour\n');
  });

  it('supports fallocate that grows the file (unsynced until fsync) and refuses hole punching', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'prealloc');
    put(f, 'wal header', 'fsync');
    // fallocate(2) itself, through libc (util-linux's fallocate(1) fsyncs afterwards).
    const fallocate = (mode: number, length: number) =>
      execa('python3', ['-c', FALLOCATE, f, String(mode), String(length)], { reject: false });
    expect((await fallocate(0, 1 << 20)).exitCode).toBe(0); // mode 0: the size grows
    expect(statSync(f).size).toBe(1 << 20);
    expect((await fallocate(FALLOC_FL_KEEP_SIZE, 4 << 20)).stdout).toBe('0');
    expect(statSync(f).size).toBe(1 << 20);
    expect((await fallocate(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 4096)).stdout).toBe(`-1 ${EOPNOTSUPP}`);
    expect(m.stat().fsyncs).toBe(1);
    m.lose();
    expect(text(f)).toBe('wal header');
    await fallocate(0, 1 << 20);
    syncPath(f);
    m.lose();
    const data = readFileSync(f);
    expect(data.length).toBe(1 << 20);
    expect(data.subarray(0, 10).toString()).toBe('wal header');
    expect(data.subarray(10).every((b) => b === 0)).toBe(true);
  });

  it('undoes symlinks and hard links that are not durable', async () => {
    const m = await fs.mount({ metadata: 'posix' });
    const p = (n: string) => join(m.mountpoint, n);
    put(p('target'), 'shared inode', 'fsync');
    syncPath(m.mountpoint);
    symlinkSync('target', p('soft'));
    linkSync(p('target'), p('hard'));
    put(p('hard'), 'SHARED', 'fsync'); // one inode, two names: the data is durable through either
    expect(readlinkSync(p('soft'))).toBe('target');
    expect(text(p('soft'))).toBe('SHARED inode');
    expect(m.lose().undone_names).toBe(2);
    expect(readdirSync(m.mountpoint)).toEqual(['target']);
    expect(text(p('target'))).toBe('SHARED inode');
    symlinkSync('target', p('soft'));
    linkSync(p('target'), p('hard'));
    syncPath(m.mountpoint);
    m.lose();
    expect(readdirSync(m.mountpoint).sort()).toEqual(['hard', 'soft', 'target']);
    expect(statSync(p('hard')).nlink).toBe(2);
  });
});
