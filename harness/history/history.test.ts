import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { opToJsonLine, parseJsonlHistory } from './jsonl.ts';
import type { Op } from './op.ts';
import { validateHistory } from './validate.ts';

const op = (index: number, type: Op['type'], process: Op['process'], f = 'read', value: unknown = null, time = index): Op => ({
  index,
  time,
  type,
  process,
  f,
  value,
});

describe('history JSONL', () => {
  it('round-trips ops, keeping optional fields', () => {
    const ops: Op[] = [
      { ...op(0, 'invoke', 0, 'write', 3), key: 'k1', node: 'n1' },
      { ...op(1, 'info', 0, 'write', 3), key: 'k1', error: 'timeout' },
    ];
    const text = ops.map(opToJsonLine).join('\n') + '\n';
    expect(parseJsonlHistory(text)).toEqual(ops);
  });

  it('drops a truncated last line (a controller killed mid-write) but not a broken middle line', () => {
    const good = opToJsonLine(op(0, 'invoke', 0));
    expect(parseJsonlHistory(`${good}\n{"index":1,"ti`)).toHaveLength(1);
    expect(() => parseJsonlHistory(`${good}\n{"index":1,"ti\n${good}\n`, 'h.jsonl')).toThrow(/h\.jsonl:2: expected one JSON object per line/);
  });

  it('names the line and the field that is wrong', () => {
    const bad = '{"index":0,"time":0,"type":"invoke","process":"p1","f":"read","value":null}';
    expect(() => parseJsonlHistory(bad, 'x.jsonl')).toThrow(InputError);
    expect(() => parseJsonlHistory(bad, 'x.jsonl')).toThrow('x.jsonl:1: expected "process": an integer or "nemesis"; got "p1"');
  });
});

describe('validateHistory', () => {
  it('accepts a well-formed history with nemesis info pairs', () => {
    const h = [op(0, 'invoke', 0), op(1, 'info', 'nemesis', 'start-partition'), op(2, 'ok', 0), op(3, 'info', 'nemesis', 'start-partition')];
    expect(validateHistory(h)).toEqual([]);
  });

  it('finds gaps in indices, time going backwards, double invokes and stray completions', () => {
    const h = [op(0, 'invoke', 0), op(2, 'invoke', 0, 'read', null, 1), op(2, 'ok', 1, 'read', null, 0)];
    const messages = validateHistory(h).map((p) => p.message);
    expect(messages).toEqual([
      'index 2 at position 1: indices must be dense from 0',
      'process 0 invoked read while op 0 (read) is still in flight',
      'time 0 is before the previous op\'s 1',
      'ok for process 1 without an open invoke',
    ]);
  });

  it('flags a completion whose f differs from its invoke', () => {
    expect(validateHistory([op(0, 'invoke', 0, 'read'), op(1, 'ok', 0, 'write')])[0]?.message).toMatch(/completed f=write but invoked f=read/);
  });
});
