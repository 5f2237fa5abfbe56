// npm run bench:lazyfs — what lazyfs costs a database: the same write patterns on a plain
// directory and through a lazyfs mount of a directory on the same disk, interleaved round by
// round in short slices (the machine is shared and its disk noisy: compare the two columns of one
// run, not runs of different days; the spread is printed beside each median).
//   wal       8 KiB appends, fdatasync after each (a commit log)
//   pages     8 KiB writes at random offsets of a 16 MiB file, fsync every 64 (a checkpoint)
//   bulk      1 MiB writes, one fsync at the end
//   buffered  4 KiB writes, never synced (the FUSE round trip alone, no disk)
// and how long `lose` takes with 64 MiB dirty. Options: --rounds N (default 7).
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLazyfs, type MountedLazyfs, mountLazyfs } from '../docker/tools/lazyfs/lazyfs-host.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--rounds');
const ROUNDS = at >= 0 ? Number(argv[at + 1]) : 7;
const unknown = argv.filter((a, i) => a !== '--rounds' && argv[i - 1] !== '--rounds');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || unknown.length > 0) {
  console.error(`bench:lazyfs: expected only --rounds N (N ≥ 1), got: ${argv.join(' ')}`);
  process.exit(254);
}

interface Pattern {
  name: string;
  /** Runs once in `dir`; returns the bytes written. */
  run(dir: string): number;
}

function withFile(path: string, fn: (fd: number) => number): number {
  const fd = openSync(path, 'w');
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

const block = (size: number, seed: number) => Buffer.alloc(size, seed & 0xff);
const WAL_COMMITS = 300;

const patterns: Pattern[] = [
  {
    name: 'wal',
    run: (dir) =>
      withFile(join(dir, 'wal'), (fd) => {
        const b = block(8192, 1);
        for (let i = 0; i < WAL_COMMITS; i++) {
          writeSync(fd, b, 0, b.length, i * b.length);
          fdatasyncSync(fd);
        }
        return WAL_COMMITS * b.length;
      }),
  },
  {
    name: 'pages',
    run: (dir) =>
      withFile(join(dir, 'pages'), (fd) => {
        const b = block(8192, 2);
        let seed = 12345;
        for (let i = 0; i < 1024; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff; // fixed sequence: both sides write the same pages
          writeSync(fd, b, 0, b.length, (seed % 2048) * b.length);
          if (i % 64 === 63) fsyncSync(fd);
        }
        return 1024 * b.length;
      }),
  },
  {
    name: 'bulk',
    run: (dir) =>
      withFile(join(dir, 'bulk'), (fd) => {
        const b = block(1 << 20, 3);
        for (let i = 0; i < 32; i++) writeSync(fd, b, 0, b.length, i * b.length);
        fsyncSync(fd);
        return 32 * b.length;
      }),
  },
  {
    name: 'buffered',
    run: (dir) =>
      withFile(join(dir, 'buffered'), (fd) => {
        const b = block(4096, 4);
        for (let i = 0; i < 4096; i++) writeSync(fd, b, 0, b.length, i * b.length);
        return 4096 * b.length;
      }),
  },
];

function timed(fn: () => number): { seconds: number; bytes: number } {
  const t0 = performance.now();
  const bytes = fn();
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const mbps = (r: { seconds: number; bytes: number }) => r.bytes / r.seconds / (1 << 20);

const root = mkdtempSync(join(tmpdir(), 'faultline-bench-lazyfs-'));
const plain = join(root, 'plain');
const backing = join(root, 'backing');
const mnt = join(root, 'mnt');
for (const d of [plain, backing, mnt]) mkdirSync(d);
let mount: MountedLazyfs | undefined;
const cleanup = async () => {
  await mount?.unmount();
  rmSync(root, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  const binary = await buildLazyfs();
  mount = await mountLazyfs(binary, backing, mnt);
  console.log(`bench:lazyfs — ${ROUNDS} rounds, plain and lazyfs interleaved, on ${tmpdir()}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared)`);
  const results = new Map<string, { plain: number[]; lazyfs: number[]; opsPlain: number[]; opsLazy: number[] }>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of patterns) {
      const entry = results.get(p.name) ?? { plain: [], lazyfs: [], opsPlain: [], opsLazy: [] };
      const sides = r % 2 === 0 ? (['plain', 'lazyfs'] as const) : (['lazyfs', 'plain'] as const);
      for (const side of sides) {
        const res = timed(() => p.run(side === 'plain' ? plain : mnt));
        (side === 'plain' ? entry.plain : entry.lazyfs).push(mbps(res));
        if (p.name === 'wal') (side === 'plain' ? entry.opsPlain : entry.opsLazy).push(WAL_COMMITS / res.seconds);
      }
      results.set(p.name, entry);
      mount.syncAll(); // nothing left dirty between patterns
    }
  }
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  console.log('\npattern     plain MiB/s (min–max)     lazyfs MiB/s (min–max)    lazyfs/plain (medians)');
  for (const [name, e] of results) {
    const a = median(e.plain);
    const b = median(e.lazyfs);
    console.log(`${name.padEnd(10)} ${a.toFixed(1).padStart(8)} ${`(${spread(e.plain)})`.padStart(13)} ${b.toFixed(1).padStart(12)} ${`(${spread(e.lazyfs)})`.padStart(13)} ${(b / a).toFixed(2).padStart(12)}`);
  }
  const wal = results.get('wal');
  if (wal) console.log(`\nwal: ${median(wal.opsPlain).toFixed(0)} commits/s plain, ${median(wal.opsLazy).toFixed(0)} commits/s through lazyfs (8 KiB + fdatasync each)`);

  withFile(join(mnt, 'dirty'), (fd) => {
    const b = block(1 << 20, 5);
    for (let i = 0; i < 64; i++) writeSync(fd, b, 0, b.length, i * b.length);
    return 0;
  });
  const t0 = performance.now();
  const loss = mount.lose();
  console.log(`lose with ${(loss.lost_bytes / (1 << 20)).toFixed(0)} MiB dirty in ${loss.lost_files} file(s): ${(performance.now() - t0).toFixed(1)} ms`);
} finally {
  await cleanup();
}
