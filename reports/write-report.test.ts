import { link, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { checkReportPath } from './write-report.ts';

describe('checkReportPath', () => {
  let dir: string;
  let history: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-report-path-'));
    history = join(dir, 'h.jsonl');
    await writeFile(history, '{}\n');
    await symlink(history, join(dir, 'link.jsonl'));
    await link(history, join(dir, 'hard.jsonl'));
    await mkdir(join(dir, 'sub'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['the input itself', () => history],
    ['the input by another path', () => join(dir, 'sub', '..', 'h.jsonl')],
    ['the input by a relative path', () => relative(process.cwd(), history)],
    ['a symlink to the input', () => join(dir, 'link.jsonl')],
    ['a hard link to the input', () => join(dir, 'hard.jsonl')],
  ])('refuses %s: writing would replace the history', async (_, path) => {
    await expect(checkReportPath(path(), ['other.jsonl', history])).rejects.toThrow(`cannot write the report: it is the input ${history}; writing there would replace it`);
  });

  it.each([
    ['a missing folder', () => join(dir, 'no', 'such', 'r.html'), 'no such folder'],
    ['a folder', () => join(dir, 'sub'), 'is a folder'],
    ['a path under a file', () => join(history, 'r.html'), 'no such folder'],
  ])('refuses %s before any checking', async (_, path, why) => {
    const err = await checkReportPath(path(), [history]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${path()}: cannot write the report: ${why}`);
  });

  it('accepts a new file beside the input, and an existing report, creating nothing', async () => {
    const before = await readdir(dir);
    await expect(checkReportPath(join(dir, 'r.html'), [history])).resolves.toBeUndefined();
    await writeFile(join(dir, 'old.html'), 'x');
    await expect(checkReportPath(join(dir, 'old.html'), [history])).resolves.toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual([...before, 'old.html'].sort());
  });
});
