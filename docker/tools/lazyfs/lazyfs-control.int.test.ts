import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { lazyfsFixture, pattern, put, text } from './lazyfs-fixture.ts';
import { lazyfsMounts } from './lazyfs-host.ts';

// The control files, the daemon's own failure modes (bad arguments, a second daemon, SIGKILL,
// clean unmount), and what a database's I/O pattern does to it: concurrent writers and mmap.
describe('lazyfs: control, crashes and concurrency', () => {
  const fs = lazyfsFixture();

  it('hides its control directory from listings and refuses to change it', async () => {
    const m = await fs.mount();
    const dir = join(m.mountpoint, '.lazyfs');
    expect(readdirSync(m.mountpoint)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['ctl', 'stat']);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(() => rmSync(dir, { recursive: true })).toThrow(/EPERM/);
    expect(() => renameSync(join(dir, 'ctl'), join(m.mountpoint, 'x'))).toThrow(/EPERM/);
    expect(() => writeSync(openSync(join(dir, 'new'), 'w'), 'x')).toThrow(/EPERM/);
    expect(() => openSync(join(dir, 'stat'), 'w')).toThrow(/EACCES/);
    expect(m.stat()).toMatchObject({ metadata: 'journal', odirect: 'buffered', dirty_files: 0, loses: 0 });
  });

  it('answers an unknown command with EINVAL and takes commands from a shell', async () => {
    const m = await fs.mount();
    expect(() => m.control('explode')).toThrow(/EINVAL/);
    put(join(m.mountpoint, 'f'), 'x');
    const ctl = join(m.mountpoint, '.lazyfs/ctl');
    const ok = await execa('sh', ['-c', `echo lose > ${ctl}`], { reject: false });
    expect(ok.exitCode).toBe(0);
    expect(text(join(m.mountpoint, 'f'))).toBeNull();
    const bad = await execa('sh', ['-c', `echo lost > ${ctl}`], { reject: false });
    expect(bad.exitCode).not.toBe(0); // write(2) failed with EINVAL (dash words every error as an I/O error)
    const reply = await execa('sh', ['-c', `exec 3<>${ctl}; echo stat >&3; cat <&3`]);
    expect(JSON.parse(reply.stdout)).toMatchObject({ loses: 1, dirty_files: 0 });
    expect(m.log).toMatch(/unknown control command "explode" \(expected lose, sync-all or stat\)/);
    expect(m.log).toMatch(/unknown control command "lost"/);
  });

  it('sync-all makes everything durable: a lose after it loses nothing', async () => {
    const m = await fs.mount({ metadata: 'posix' });
    put(join(m.mountpoint, 'a'), pattern(9000));
    put(join(m.mountpoint, 'b'), 'b');
    unlinkSync(join(m.mountpoint, 'b')); // its page still counts: the unlink is not durable yet
    expect(m.syncAll()).toEqual({ synced_bytes: 16384, synced_files: 2, committed_names: 3, error: null });
    expect(m.lose()).toEqual({ lost_bytes: 0, lost_files: 0, undone_names: 0 });
    expect(readFileSync(join(m.mountpoint, 'a')).equals(pattern(9000))).toBe(true);
    expect(readdirSync(m.mountpoint)).toEqual(['a']);
  });

  it('refuses bad arguments and a second daemon on the same backing directory', async () => {
    const m = await fs.mount();
    const run = (args: string[]) => execa(fs.binary(), args, { reject: false });
    const missing = await run([]);
    expect([missing.exitCode, missing.stderr]).toEqual([2, 'lazyfs: missing the backing directory (usage: lazyfs BACKING MOUNTPOINT [options])']);
    const nodir = await run(['/nonexistent-lazyfs-backing', m.mountpoint]);
    expect([nodir.exitCode, nodir.stderr]).toEqual([2, 'lazyfs: backing directory /nonexistent-lazyfs-backing: No such file or directory']);
    const mode = await run([m.backing, m.mountpoint, '-o', 'metadata=ext4']);
    expect([mode.exitCode, mode.stderr]).toEqual([2, 'lazyfs: -o metadata=ext4: expected journal or posix']);
    const direct = await run([m.backing, m.mountpoint, '-o', 'odirect=yes']);
    expect([direct.exitCode, direct.stderr]).toEqual([2, 'lazyfs: -o odirect=yes: expected buffered or durable']);
    const second = await run([m.backing, `${m.mountpoint}-2`]);
    expect([second.exitCode, second.stderr]).toEqual([2, `lazyfs: ${m.backing}/.lazyfs: another lazyfs is serving this backing directory`]);
    const spare = mkdtempSync(join(tmpdir(), 'lazyfs-spare-'));
    const unknown = await run([spare, spare, '-o', 'no_such_option']);
    rmSync(spare, { recursive: true });
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option.*no_such_option/);
  });

  it('a daemon killed with SIGKILL comes back as after a lose (the journal is replayed)', async () => {
    const m = await fs.mount();
    const p = (name: string) => join(m.mountpoint, name);
    put(p('u'), 'durable u', 'fsync');
    put(p('kept'), 'durable kept', 'fsync');
    unlinkSync(p('u'));
    put(p('lost'), 'created after the last fsync');
    renameSync(p('kept'), p('kept2'));
    put(p('kept2'), 'XX', 'none', 0);
    expect(readdirSync(m.mountpoint).sort()).toEqual(['kept2', 'lost']);
    await m.kill('SIGKILL');
    expect(lazyfsMounts()).not.toContain(m.mountpoint);
    const again = await fs.remount(m);
    expect(readdirSync(again.mountpoint).sort()).toEqual(['kept', 'u']);
    expect(text(p('kept'))).toBe('durable kept');
    expect(text(p('u'))).toBe('durable u');
    await expect.poll(() => again.log).toMatch(/undid 3 directory changes that a previous daemon left not durable/);
    expect(readdirSync(join(m.backing, '.lazyfs/graveyard'))).toEqual([]);
  });

  it('a clean unmount keeps everything written, as a real file system does', async () => {
    const m = await fs.mount();
    put(join(m.mountpoint, 'f'), 'written, never fsynced');
    await m.unmount();
    const again = await fs.remount(m);
    expect(text(join(again.mountpoint, 'f'))).toBe('written, never fsynced');
    expect(again.lose()).toEqual({ lost_bytes: 0, lost_files: 0, undone_names: 0 });
  });

  it('concurrent writers: what was fsynced survives, unsynced tails and unsynced files do not', async () => {
    const m = await fs.mount();
    const block = 16 * 1024;
    const files = ['w0', 'w1', 'w2', 'w3'];
    const writersPerFile = 3;
    const blocksPerWriter = 8;
    const content = (file: number, index: number) => pattern(block, file * 100 + index);
    for (const name of files) put(join(m.mountpoint, name), '');
    await Promise.all(
      files.flatMap((name, f) =>
        Array.from({ length: writersPerFile }, async (_, w) => {
          const h = await open(join(m.mountpoint, name), 'r+');
          try {
            for (let k = 0; k < blocksPerWriter; k++) {
              const index = k * writersPerFile + w; // writers interleave their blocks
              await h.write(content(f, index), 0, block, index * block);
              await h.datasync();
            }
          } finally {
            await h.close();
          }
        }),
      ),
    );
    // Unsynced: a tail on each file, and whole files that never see an fsync.
    await Promise.all(files.map(async (name) => put(join(m.mountpoint, name), 'tail', 'none', writersPerFile * blocksPerWriter * block)));
    await Promise.all(files.map(async (name) => put(join(m.mountpoint, `${name}.unsynced`), pattern(50_000))));
    expect(m.stat().dirty_files).toBe(8);
    const loss = m.lose();
    expect(loss.lost_files).toBe(8);
    expect(loss.undone_names).toBe(4);
    for (const [f, name] of files.entries()) {
      const data = readFileSync(join(m.mountpoint, name));
      const expected = Buffer.concat(Array.from({ length: writersPerFile * blocksPerWriter }, (_, i) => content(f, i)));
      expect(data.length).toBe(expected.length);
      expect(data.equals(expected)).toBe(true);
      expect(existsSync(join(m.mountpoint, `${name}.unsynced`))).toBe(false);
    }
  });

  it('stays consistent when lose lands in the middle of concurrent writes and fsyncs', async () => {
    const m = await fs.mount();
    for (let w = 0; w < 6; w++) put(join(m.mountpoint, `c${w}`), '');
    m.syncAll(); // the names are durable; only data comes and goes
    let stop = false;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      const h = await open(join(m.mountpoint, `c${w}`), 'r+');
      try {
        for (let k = 0; !stop; k++) {
          await h.write(pattern(8192, w + k), 0, 8192, (k % 64) * 8192);
          if (k % 3 === 0) await h.sync();
        }
      } finally {
        await h.close();
      }
    });
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      m.lose();
    }
    stop = true;
    await Promise.all(writers);
    m.syncAll();
    const snapshot = () => readdirSync(m.mountpoint).map((n) => `${n}:${createHash('sha256').update(readFileSync(join(m.mountpoint, n))).digest('hex')}`);
    const durable = snapshot();
    expect(durable).toHaveLength(6);
    expect(m.lose()).toEqual({ lost_bytes: 0, lost_files: 0, undone_names: 0 });
    expect(snapshot()).toEqual(durable);
    expect(m.stat()).toMatchObject({ undo_errors: 0, commit_errors: 0, loses: 6 });

  });

  it('supports shared writable mmap: msync makes it durable, writeback without msync does not', async () => {
    const m = await fs.mount();
    const f = join(m.mountpoint, 'mapped');
    put(f, Buffer.alloc(8192, 0x2e), 'fsync');
    const script = `
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
mm = mmap.mmap(fd, 8192)
mm[int(sys.argv[2]):int(sys.argv[2]) + 5] = b'MMAP!'
if sys.argv[3] == 'msync':
    mm.flush()
mm.close()
os.close(fd)
`;
    await execa('python3', ['-c', script, f, '0', 'msync']);
    await execa('python3', ['-c', script, f, '4096', 'none']);
    const view = readFileSync(f);
    expect(view.subarray(0, 5).toString()).toBe('MMAP!');
    expect(view.subarray(4096, 4101).toString()).toBe('MMAP!'); // close wrote the dirty page back to lazyfs
    m.lose();
    const after = readFileSync(f);
    expect(after.subarray(0, 5).toString()).toBe('MMAP!');
    expect(after.subarray(4096, 4101).toString()).toBe('.....');
  });
});
