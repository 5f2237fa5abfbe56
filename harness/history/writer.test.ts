import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractError } from '../scheduler/contract.ts';
import { createRunDir, runTimestamp } from '../store/store.ts';
import { parseJsonlHistory } from './jsonl.ts';
import type { Op } from './op.ts';
import { HistoryWriter } from './writer.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const op = (index: number): Op => ({ index, time: index * 10, type: index % 2 ? 'ok' : 'invoke', process: 0, f: 'write', value: index, key: 'k' });

describe('HistoryWriter', () => {
  it('reaches the file within the flush interval, without being closed', async () => {
    const file = join(dir, 'history.jsonl');
    const w = new HistoryWriter(file, { flushMs: 20 });
    for (let i = 0; i < 10; i++) w.append(op(i));
    expect(await readFile(file, 'utf8')).toBe('');
    await new Promise((r) => setTimeout(r, 60));
    expect(parseJsonlHistory(await readFile(file, 'utf8'))).toEqual(Array.from({ length: 10 }, (_, i) => op(i)));
    w.close();
  });

  it('flushes at once when the buffer fills, and writes only whole lines', async () => {
    const file = join(dir, 'history.jsonl');
    const w = new HistoryWriter(file, { flushMs: 60_000, maxBufferBytes: 500 });
    for (let i = 0; i < 100; i++) w.append(op(i));
    const text = await readFile(file, 'utf8');
    expect(text.length).toBeGreaterThan(0);
    expect(text.endsWith('\n')).toBe(true);
    w.close();
    expect(parseJsonlHistory(await readFile(file, 'utf8'), file, { allowTruncatedTail: false })).toHaveLength(100);
    expect(() => w.append(op(100))).toThrow(/closed/);
  });

  it('an op that cannot be JSON, or would not read back as written, is a contract error naming it', () => {
    const w = new HistoryWriter(join(dir, 'h.jsonl'));
    expect(() => w.append({ ...op(0), value: 10n })).toThrow(ContractError);
    expect(() => w.append({ ...op(0), value: 10n })).toThrow(/^op 0 \(write\) cannot be written as JSON: /);
    // Values that JSON would change (NaN → null) or that no reader takes back are refused too.
    expect(() => w.append({ ...op(1), value: [1, NaN] })).toThrow('op 1 (write) cannot be written as JSON: NaN has no JSON form (it would be written as null)');
    expect(() => w.append({ ...op(2), value: { x: -Infinity } })).toThrow('op 2 (write) cannot be written as JSON: -Infinity has no JSON form');
    const nest = (n: number): unknown => (n === 0 ? 1 : [nest(n - 1)]);
    expect(() => w.append({ ...op(3), value: nest(100) })).toThrow('op 3 (write) cannot be written as JSON: its value nests more than 100 levels deep, which no faultline reader accepts');
    w.append({ ...op(4), value: nest(99) });
    w.close();
    expect(parseJsonlHistory(readFileSync(w.file, 'utf8'))).toEqual([{ ...op(4), value: nest(99) }]);
  });
});

describe('store', () => {
  it('names run folders by UTC time to the millisecond', () => {
    expect(runTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67)))).toBe('20260102T030405.067');
  });

  it('creates store/<test>/<stamp>/, keeps two runs in the same millisecond apart, and points latest at the newest', async () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67));
    const a = await createRunDir(dir, 'etcd-register', at);
    const b = await createRunDir(dir, 'etcd-register', at);
    expect(a.path).toBe(join(dir, 'etcd-register', '20260102T030405.067'));
    expect(b.path).toBe(join(dir, 'etcd-register', '20260102T030405.067-1'));
    expect(await readlink(join(dir, 'latest'))).toBe(join('etcd-register', '20260102T030405.067-1'));
    expect(a.file('test.json')).toBe(join(a.path, 'test.json'));
    expect(await a.nodeDir('n1')).toBe(join(a.path, 'nodes', 'n1'));
  });

  it('rejects test names that are not safe folder names', async () => {
    await expect(createRunDir(dir, '../evil', new Date())).rejects.toThrow(/test name "..\/evil" must be letters, digits/);
    await expect(createRunDir(dir, 'latest', new Date())).rejects.toThrow(/not "latest"/);
  });
});
