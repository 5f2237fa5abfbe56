import { closeSync, constants, fdatasyncSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lazyfsFixture, pattern, syncPath } from './lazyfs-fixture.ts';
import type { MountedLazyfs } from './lazyfs-host.ts';
import { DurabilityModel, type Metadata } from './lazyfs-model.ts';

// Random sequences of writes, truncates, fsyncs, unlinks, renames and losses on a real mount,
// against DurabilityModel (what must survive a `lose`). After every step the mount must show
// what the model shows; after every loss the backing directory must hold exactly that too.
type Op =
  | { f: 'write'; name: string; offset: number; length: number; seed: number }
  | { f: 'truncate'; name: string; size: number }
  | { f: 'fsync' | 'fdatasync' | 'unlink'; name: string }
  | { f: 'rename'; from: string; to: string }
  | { f: 'fsync-dir' | 'lose' };

const NAMES = ['a', 'b', 'c'];
const name = fc.constantFrom(...NAMES);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ f: fc.constant('write' as const), name, offset: fc.integer({ min: 0, max: 20_000 }), length: fc.integer({ min: 1, max: 9000 }), seed: fc.nat(255) }) },
  { weight: 2, arbitrary: fc.record({ f: fc.constant('truncate' as const), name, size: fc.integer({ min: 0, max: 25_000 }) }) },
  { weight: 2, arbitrary: fc.record({ f: fc.constantFrom('fsync' as const, 'fdatasync' as const), name }) },
  { weight: 1, arbitrary: fc.record({ f: fc.constant('unlink' as const), name }) },
  { weight: 2, arbitrary: fc.record({ f: fc.constant('rename' as const), from: name, to: name }) },
  { weight: 1, arbitrary: fc.record({ f: fc.constantFrom('fsync-dir' as const, 'lose' as const) }) },
);

function withFd(path: string, flags: number, fn: (fd: number) => void): void {
  const fd = openSync(path, flags, 0o644);
  try {
    fn(fd);
  } finally {
    closeSync(fd);
  }
}

/** Applies `o` to the mount and to the model; ops on a missing file are skipped by both. */
function apply(o: Op, m: MountedLazyfs, model: DurabilityModel): void {
  const p = (n: string) => join(m.mountpoint, n);
  switch (o.f) {
    case 'write': {
      const bytes = pattern(o.length, o.seed);
      withFd(p(o.name), constants.O_WRONLY | constants.O_CREAT, (fd) => writeSync(fd, bytes, 0, bytes.length, o.offset));
      model.write(o.name, o.offset, bytes);
      return;
    }
    case 'truncate':
      if (!model.has(o.name)) return;
      truncateSync(p(o.name), o.size);
      model.truncate(o.name, o.size);
      return;
    case 'fsync':
    case 'fdatasync':
      if (!model.has(o.name)) return;
      withFd(p(o.name), constants.O_RDONLY, (fd) => (o.f === 'fsync' ? fsyncSync(fd) : fdatasyncSync(fd)));
      model.fsync(o.name);
      return;
    case 'unlink':
      if (!model.has(o.name)) return;
      unlinkSync(p(o.name));
      model.unlink(o.name);
      return;
    case 'rename':
      if (!model.has(o.from) || o.from === o.to) return;
      renameSync(p(o.from), p(o.to));
      model.rename(o.from, o.to);
      return;
    case 'fsync-dir':
      syncPath(m.mountpoint);
      model.fsyncDir();
      return;
    case 'lose':
      m.lose();
      model.lose();
      return;
  }
}

/** The first difference between a directory and the model, in words (or null). */
function difference(dir: string, model: DurabilityModel, hide = new Set<string>()): string | null {
  const want = model.view();
  const have = readdirSync(dir).filter((n) => !hide.has(n)).sort();
  if (have.join(',') !== [...want.keys()].join(',')) return `${dir} has [${have.join(', ')}], the model [${[...want.keys()].join(', ')}]`;
  for (const [n, data] of want) {
    const got = readFileSync(join(dir, n));
    if (got.equals(data)) continue;
    let at = 0;
    while (at < Math.min(got.length, data.length) && got[at] === data[at]) at++;
    return `${n}: ${got.length} bytes, the model ${data.length}; first difference at offset ${at}`;
  }
  return null;
}

function property(mount: () => Promise<MountedLazyfs>, metadata: Metadata) {
  let m: MountedLazyfs | undefined;
  return fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }), async (ops) => {
    m ??= await mount();
    for (const n of readdirSync(m.mountpoint)) rmSync(join(m.mountpoint, n), { recursive: true });
    m.syncAll();
    const model = new DurabilityModel(metadata);
    for (const [i, o] of [...ops, { f: 'lose' } as const].entries()) {
      apply(o, m, model);
      const diff = difference(m.mountpoint, model);
      if (diff) throw new Error(`after step ${i} (${JSON.stringify(o)}): ${diff}`);
      if (o.f === 'lose') {
        const backing = difference(m.backing, model, new Set(['.lazyfs']));
        if (backing) throw new Error(`after step ${i}, the backing directory: ${backing}`);
      }
    }
    expect(m.stat()).toMatchObject({ undo_errors: 0, commit_errors: 0 });
  });
}

describe('lazyfs against a model of what must survive a loss', () => {
  const fs = lazyfsFixture();

  for (const metadata of ['journal', 'posix'] as const) {
    it(`matches the model on random operation sequences (metadata=${metadata})`, async () => {
      await fc.assert(
        property(() => fs.mount({ metadata }), metadata),
        { seed: metadata === 'journal' ? 20261107 : 20261108, numRuns: 100 },
      );
    });
  }
});
