import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { opToJsonLine } from '../history/jsonl.ts';
import type { Op } from '../history/op.ts';
import { parseHistoryText, readHistory, readHistoryFile } from './read-history.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** Writes `content` to a fresh file and returns its path. */
function file(content: string | Buffer, ext = 'txt'): string {
  const path = join(dir, `h${n++}.${ext}`);
  writeFileSync(path, content);
  return path;
}
const nest = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
const op = (index: number, type: Op['type'], process: Op['process'], extra: Partial<Op> = {}): Op => ({ index, time: index, type, process, f: 'write', value: 1, ...extra });
const jsonl = (ops: Op[]) => ops.map(opToJsonLine).join('\n') + '\n';

describe('deep nesting is refused with the line, in every format (never a stack overflow)', () => {
  const deep = 1500;
  it.each([
    ['EDN op value', `{:type :invoke, :f :read, :process 0, :value nil}\n{:type :ok, :f :read, :process 0, :value ${nest(deep)}}\n`, 2, 'EDN: values nested more than 100 levels deep'],
    ['EDN inside the history vector', `[{:type :invoke, :f :read, :process 0}\n ${nest(deep)}]`, 2, 'EDN: values nested more than 100 levels deep'],
    ['EDN maps and sets', `{:type :invoke, :f :read, :process 0, :value ${'{:a #{'.repeat(deep)}${'}}'.repeat(deep)}}`, 1, 'EDN: values nested more than 100 levels deep'],
    ['EDN tagged literals', `{:type :invoke, :f :read, :process 0, :value ${'#t '.repeat(deep * 10)}1}`, 1, 'EDN: values nested more than 100 levels deep'],
    ['Porcupine log value', `INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t${nest(deep)}\n`, 2, 'expected an EDN value after :read (values nested more than 100 levels deep), got "' + '['.repeat(60) + '…"'],
    ['Jepsen JSON array', `[{"type":"invoke","f":"read","process":0},\n{"type":"ok","f":"read","process":0,"value":${nest(deep)}}]`, 2, 'values nested more than 100 levels deep'],
    ['Jepsen JSON lines', `{"type":"invoke","f":"read","process":0}\n{"type":"ok","f":"read","process":0,"value":${nest(deep * 100)}}\n`, 2, 'values nested more than 100 levels deep'],
    ['faultline JSONL', `${opToJsonLine(op(0, 'invoke', 0))}\n{"index":1,"time":1,"type":"ok","process":0,"f":"write","value":${nest(deep)}}\n`, 2, 'values nested more than 100 levels deep'],
  ])('%s', async (_, text, line, message) => {
    const path = file(text);
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:${line}: ${message}`);
  });

  it('99 levels of value are read; 100 are refused (the op itself is the first level)', () => {
    const at = (depth: number) => `{:type :invoke, :f :read, :process 0, :value ${nest(depth)}}`;
    expect(parseHistoryText(at(99), 'a.edn')).toHaveLength(1);
    expect(() => parseHistoryText(at(100), 'a.edn')).toThrow('a.edn:1: EDN: values nested more than 100 levels deep');
    const json = (depth: number) => `[{"type":"invoke","f":"read","process":0,"value":${nest(depth)}}]`;
    expect(parseHistoryText(json(99), 'a.json')).toHaveLength(1);
    expect(() => parseHistoryText(json(100), 'a.json')).toThrow('a.json:1: values nested more than 100 levels deep');
  });
});

describe('text encoding', () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const edn = '{:type :invoke, :f :write, :value 1, :process 0, :key "k"}\n';
  const samples: [string, string][] = [
    ['faultline', jsonl([op(0, 'invoke', 0, { key: 'k' })])],
    ['jepsen-edn', edn],
    ['jepsen-edn', `[${edn}]`],
    ['jepsen-json', '[{"type":"invoke","f":"write","value":1,"process":0,"key":"k"}]\n'],
    ['jepsen-json', '{"type":"invoke","f":"write","value":1,"process":0,"key":"k"}\n'],
    ['porcupine', 'INFO  jepsen.util - 0\t:invoke\t:write\t1\n'],
  ];

  it.each(samples)('a byte-order mark reads the same as none: %s', async (format, text) => {
    const plain = await readHistory(file(text));
    const marked = await readHistory(file(Buffer.concat([bom, Buffer.from(text)])));
    expect(marked.format).toBe(format);
    expect(marked.ops).toEqual(plain.ops);
    expect(parseHistoryText(`\uFEFF${text}`, 'x')).toEqual(plain.ops);
  });

  it('bytes that are not UTF-8 are refused with their line, not replaced (two keys would become one)', async () => {
    const text = Buffer.concat([
      Buffer.from('{:type :invoke, :f :write, :value 1, :process 0, :key "ok"}\n{:type :invoke, :f :write, :value 1, :process 1, :key "a'),
      Buffer.from([0xff]),
      Buffer.from('"}\n{:type :invoke, :f :write, :value 1, :process 2, :key "a'),
      Buffer.from([0xfe]),
      Buffer.from('"}\n'),
    ]);
    const path = file(text);
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:2: byte 0xff is not UTF-8 text (at byte 57 of the line); expected UTF-8`);
  });

  it.each([
    ['an overlong encoding', [0xc0, 0x80]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut short', [0xe2, 0x82]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('%s is refused', async (_, bytes) => {
    const path = file(Buffer.concat([Buffer.from('INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t"'), Buffer.from(bytes), Buffer.from('"\n')]));
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:2: byte 0x${bytes[0]!.toString(16)} is not UTF-8 text`);
  });

  it.each(samples)('Windows line ends (CRLF) read the same: %s', async (_, text) => {
    const plain = await readHistory(file(text));
    expect((await readHistory(file(text.replace(/\n/g, '\r\n')))).ops).toEqual(plain.ops);
  });

  it('multi-byte UTF-8 is read as it is', async () => {
    const ops = await readHistoryFile(file('{:type :invoke, :f :write, :value "é€😀", :process 0, :key "ключ"}\n'));
    expect(ops[0]).toMatchObject({ value: 'é€😀', key: 'ключ' });
  });

  it('UTF-16 files are refused with a hint', async () => {
    const path = file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[]', 'utf16le')]));
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:1: is UTF-16 text; expected UTF-8`);
  });
});

describe('format detection does not hang on line 1', () => {
  it('faultline JSONL with a broken first line is still read (and refused) as faultline JSONL', async () => {
    // Line 1 lacks "time"; lines 2 and 3 repeat index 0. Read as Jepsen JSON, indices would be
    // renumbered and the file would pass.
    const text = '{"index":0,"type":"invoke","process":0,"f":"write","value":1}\n' + jsonl([op(0, 'invoke', 1), op(0, 'ok', 1)]);
    const path = file(text);
    const read = readHistory(path);
    await expect(read).rejects.toThrow(`${path}:1: expected "time": a number (ns since start)`);
  });

  it('faultline JSONL with repeated indices is refused at the repeat', async () => {
    const path = file(jsonl([op(0, 'invoke', 0), op(0, 'ok', 0)]));
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:2: malformed history at op 1: index 0 at position 1: indices must be dense from 0`);
  });

  it('elle-cli JSON lines (no "time") are still Jepsen JSON, and a repeated :index there is refused too', async () => {
    expect((await readHistory(file('{"index":0,"type":"invoke","f":"txn","value":[["r",1,null]],"process":0}\n'))).format).toBe('jepsen-json');
    const path = file('{"index":3,"type":"invoke","f":"read","process":0}\n{"index":3,"type":"ok","f":"read","process":0}\n');
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:2: :index 3 does not increase along the file (line 1 has :index 3)`);
  });

  it('a decreasing :index in EDN is refused', () => {
    expect(() => parseHistoryText('{:index 5, :type :invoke, :f :read, :process 0}\n{:index 4, :type :ok, :f :read, :process 0}', 'h.edn')).toThrow(
      'h.edn:2: :index 4 does not increase along the file (line 1 has :index 5)',
    );
  });
});

describe('pairing', () => {
  it('a completion whose key differs from its invocation\'s is refused', async () => {
    const path = file(jsonl([op(0, 'invoke', 0, { key: 'a' }), op(1, 'ok', 0, { key: 'b' })]));
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:2: malformed history at op 1: process 0 completed key "b" but invoked key "a" (op 0)`);
    expect(() => parseHistoryText('{:type :invoke, :f :read, :process 0, :key 1}\n{:type :ok, :f :read, :process 0, :key 2}', 'k.edn')).toThrow('k.edn:2: malformed history at op 1: process 0 completed key 2 but invoked key 1 (op 0)');
  });

  it('a file where only some ops name a :process is refused at the first without one', () => {
    expect(() => parseHistoryText('{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read}\n', 'p.edn')).toThrow('p.edn:2: this op has no :process while others have one');
  });

  it('without processes, a completion that could finish two invocations alike is refused, naming them', () => {
    const text = ['{:type :invoke, :f :read, :value nil}', '{:type :invoke, :f :read, :value nil}', '{:type :ok, :f :read, :value 1}', '{:type :ok, :f :read, :value 2}'].join('\n');
    expect(() => parseHistoryText(text, 'r.edn')).toThrow('r.edn:3: no op in this file names a :process, and this ok of read could complete the invocations on lines 1 and 2 alike; give ops a :process so they pair without guessing');
  });

  it('without processes, values tell overlapping invocations apart', () => {
    const text = ['{:type :invoke, :f :write, :value 1}', '{:type :invoke, :f :write, :value 2}', '{:type :ok, :f :write, :value 2}', '{:type :ok, :f :write, :value 1}'].join('\n');
    expect(parseHistoryText(text, 'w.edn').map((o) => [o.type, o.process, o.value])).toEqual([
      ['invoke', 0, 1],
      ['invoke', 1, 2],
      ['ok', 1, 2],
      ['ok', 0, 1],
    ]);
  });

  it('without processes, a completion with nothing open is refused', () => {
    expect(() => parseHistoryText('{:type :invoke, :f :write, :value 1}\n{:type :ok, :f :read, :value 1}', 'n.edn')).toThrow('n.edn:2: no op in this file names a :process, so a completion is paired with the open invocation it completes; this ok fits none: no invocation of read is open');
  });

  it('an op without :f is refused unless its value is a list of micro-ops', () => {
    expect(() => parseHistoryText('{:type :invoke, :process 0, :value 3}', 'f.edn')).toThrow(
      'f.edn:1: expected :f (the op\'s function); an op without one is read as an Elle transaction only when its :value is a list of [:append|:r|:w key value] micro-ops, got 3',
    );
  });
});

describe('broken text', () => {
  it('an unclosed history vector names the line it opened on', () => {
    expect(() => parseHistoryText('; header\n[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :process 0}\n', 'v.edn')).toThrow('v.edn:2: EDN: expected "]" to close the history, got the end of the input');
  });

  it('faultline JSONL: a torn last line (a killed controller) is dropped, a torn middle line is refused', async () => {
    const good = jsonl([op(0, 'invoke', 0)]);
    expect(await readHistoryFile(file(`${good}{"index":1,"ti`))).toHaveLength(1);
    const path = file(`${good}{"index":1,"ti\n${good}`);
    await expect(readHistoryFile(path)).rejects.toThrow(`${path}:2: expected one JSON object per line`);
  });

  it('every problem is an InputError naming the file', async () => {
    const path = file('{:type :invoke :value}');
    const err = await readHistoryFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ file: path, line: 1 });
  });
});
