import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInStore } from './safe-path.ts';

describe('resolveInStore', () => {
  let root: string;
  let store: string;
  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'faultline-safe-path-')));
    store = join(root, 'store');
    await mkdir(join(store, 'test', '20260101T000000.000'), { recursive: true });
    await writeFile(join(store, 'test', '20260101T000000.000', 'history.jsonl'), '');
    await writeFile(join(root, 'secret.txt'), 'secret');
    await symlink(join(store, 'test', '20260101T000000.000'), join(store, 'latest'));
    await symlink(root, join(store, 'escape'));
    await symlink(join(root, 'secret.txt'), join(store, 'test', 'secret-link'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds files inside the store, also through symlinks that stay inside', async () => {
    expect(await resolveInStore(store, '/test/20260101T000000.000/history.jsonl')).toEqual({ ok: true, path: join(store, 'test', '20260101T000000.000', 'history.jsonl'), segments: ['test', '20260101T000000.000', 'history.jsonl'] });
    expect(await resolveInStore(store, '/latest/history.jsonl?x=1')).toMatchObject({ ok: true, path: join(store, 'test', '20260101T000000.000', 'history.jsonl') });
    expect(await resolveInStore(store, '/')).toMatchObject({ ok: true, path: store });
  });

  it.each([
    '/../secret.txt',
    '/test/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/test/..%2f..%2fsecret.txt',
    '/test/..%5c..%5csecret.txt',
    '/test/%00',
    '/./test',
  ])('refuses %s', async (path) => {
    expect(await resolveInStore(store, path)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses symlinks that lead outside the store', async () => {
    expect(await resolveInStore(store, '/escape/secret.txt')).toMatchObject({ ok: false, status: 403 });
    expect(await resolveInStore(store, '/test/secret-link')).toMatchObject({ ok: false, status: 403 });
  });

  it('answers 404 for what is missing and 400 for broken encoding', async () => {
    expect(await resolveInStore(store, '/nope')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveInStore(store, '/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
    expect(await resolveInStore(store, 'test')).toMatchObject({ ok: false, status: 400 });
  });
});
