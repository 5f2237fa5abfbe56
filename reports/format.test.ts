import { describe, expect, it } from 'vitest';
import type { Op } from '../harness/history/op.ts';
import { compactJson, describeOp, formatMs, formatValue, formatValueForTip, formatValueFull, formatValueLines, truncate } from './format.ts';

const op = (o: Partial<Op>): Op => ({ index: 0, time: 0, type: 'invoke', process: 0, f: 'read', value: null, ...o });

describe('formatValue', () => {
  it('writes Elle micro-ops the way Elle users read them', () => {
    expect(formatValue([['append', 'x', 3], ['r', 'y', [1, 2]], ['w', 'z', null]])).toBe('append x 3; r y [1 2]; w z nil');
    expect(formatValueLines([['append', 'x', 3], ['r', 'y', [1, 2]]])).toEqual(['append x 3', 'r y [1 2]']);
  });

  it('writes other values as compact JSON and cuts long ones', () => {
    expect(formatValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect(compactJson([1, [2, 3]])).toBe('[1 [2 3]]');
    expect(formatValue('x'.repeat(100), 10)).toBe('"xxxxxxxx…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('long values', () => {
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const txn = [['r', 'c', range(100, 400)], ['append', 'c', 856]];

  it('keep the first and last elements of a long read, and the count left out', () => {
    expect(formatValue(txn)).toBe('r c [100 101 102 …294 more… 397 398 399]; append c 856');
    expect(describeOp(op({ f: 'txn', value: [['r', 'c', null]] }), op({ type: 'ok', f: 'txn', value: [txn[0]] }))).toBe('r c [100 101 102 …294 more… 397 398 399]');
  });

  it('fit a diagram line by keeping fewer elements, never losing the last one', () => {
    expect(formatValueLines(txn, 27)).toEqual(['r c [100 …298 more… 399]', 'append c 856']);
    expect(formatValueLines(txn, 90)).toEqual(['r c [100 101 102 …294 more… 397 398 399]', 'append c 856']);
  });

  it('show more on hover and everything when expanded', () => {
    expect(formatValueForTip(txn)[0]).toBe(`r c [${range(100, 115).join(' ')} …270 more… ${range(385, 400).join(' ')}]`);
    expect(formatValueForTip([['r', 'c', range(0, 40)]])).toEqual([`r c [${range(0, 40).join(' ')}]`]);
    expect(formatValueFull(txn)).toEqual([`r c [${range(100, 400).join(' ')}]`, 'append c 856']);
  });
});

describe('describeOp', () => {
  it('shows what a read returned, what a write wrote, and the key', () => {
    expect(describeOp(op({ key: 'k1' }), op({ type: 'ok', value: 3, key: 'k1' }))).toBe('k1 read → 3');
    expect(describeOp(op({ f: 'write', value: 4 }), op({ type: 'ok', f: 'write', value: 4 }))).toBe('write 4');
    expect(describeOp(op({ f: 'cas', value: [1, 2], key: 7 }), op({ type: 'fail', f: 'cas', value: [1, 2] }), 80, { withKey: false })).toBe('cas [1 2]');
  });

  it('shows a transaction as its completed micro-ops, without the f', () => {
    const inv = op({ f: 'txn', value: [['r', 'x', null], ['append', 'y', 2]] });
    expect(describeOp(inv, op({ type: 'ok', f: 'txn', value: [['r', 'x', [1]], ['append', 'y', 2]] }))).toBe('r x [1]; append y 2');
    expect(describeOp(inv, op({ type: 'info', f: 'txn', value: inv.value }))).toBe('r x nil; append y 2');
  });
});

describe('formatMs', () => {
  it('picks a unit a person reads at a glance', () => {
    expect([0.123, 12.34, 456, 1500, 125_000].map(formatMs)).toEqual(['0.12 ms', '12.3 ms', '456 ms', '1.50 s', '2 min 05 s']);
  });
});
