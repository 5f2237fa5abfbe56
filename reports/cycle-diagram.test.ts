import { describe, expect, it } from 'vitest';
import type { CycleExplanation } from '../checkers/explanations.ts';
import { cycleDiagram, edgeLabel, isCycleExplanation } from './cycle-diagram.ts';

const writeSkew: CycleExplanation = {
  kind: 'cycle',
  txns: [
    { name: 'T1', op: 11, process: 0, value: [['r', 'x', [1]], ['append', 'y', 2]] },
    { name: 'T2', op: 12, process: 1, value: [['r', 'y', [1]], ['append', 'x', 3]] },
  ],
  steps: [
    { from: 0, to: 1, kind: 'rw', key: 'x', value: [1], nextValue: 3, text: 'T1 read x = [1]; T2 appended 3 after' },
    { from: 1, to: 0, kind: 'rw', key: 'y', value: [1], nextValue: 2, text: 'T2 read y = [1]; T1 appended 2 after' },
  ],
};

describe('edgeLabel', () => {
  it('names the dependency, the key and the values', () => {
    expect(edgeLabel(writeSkew.steps[0]!)).toBe('rw x [1]→3');
    expect(edgeLabel({ from: 0, to: 1, kind: 'wr', key: 'k', value: 5, text: '' })).toBe('wr k 5');
    expect(edgeLabel({ from: 0, to: 1, kind: 'realtime', text: '' })).toBe('realtime');
  });
});

describe('isCycleExplanation', () => {
  it('accepts the shared shape and rejects anything a drawing would trip over', () => {
    expect(isCycleExplanation(writeSkew)).toBe(true);
    expect(isCycleExplanation({ ...writeSkew, steps: [{ ...writeSkew.steps[0]!, to: 5 }] })).toBe(false);
    expect(isCycleExplanation({ ...writeSkew, steps: [{ ...writeSkew.steps[0]!, kind: 'xx' }] })).toBe(false);
    expect(isCycleExplanation({ kind: 'linearizability' })).toBe(false);
    expect(isCycleExplanation(null)).toBe(false);
  });
});

describe('cycleDiagram', () => {
  it('draws each transaction with its micro-ops and each edge with its label and arrow', () => {
    const svg = cycleDiagram(writeSkew, 'd0').value;
    expect(svg.match(/<g class="txn"/g)).toHaveLength(2);
    expect(svg.match(/<g class="edge"/g)).toHaveLength(2);
    expect(svg).toContain('>rw x [1]→3</text>');
    expect(svg).toContain('>append y 2</text>');
    expect(svg).toContain('marker-end="url(#d0-rw)"');
    expect(svg).toContain('<marker id="d0-rw"');
    expect(svg).toContain('anti-dependency');
    expect(svg).not.toContain('NaN');
  });

  it('lays out longer cycles without NaN and keeps several edges between one pair apart', () => {
    const txns = Array.from({ length: 5 }, (_, i) => ({ name: `T${i + 1}`, op: i, process: i, value: [['append', 'k', i]] }));
    const steps = txns.map((_, i) => ({ from: i, to: (i + 1) % 5, kind: (['ww', 'wr', 'rw', 'process', 'realtime'] as const)[i]!, key: 'k', value: i, text: `step ${i}` }));
    steps.push({ ...steps[0]!, kind: 'wr', text: 'second edge' });
    const svg = cycleDiagram({ kind: 'cycle', txns, steps }, 'd1').value;
    expect(svg).not.toContain('NaN');
    const paths = [...svg.matchAll(/<g class="edge"[^>]*><path d="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(paths).size).toBe(6);
  });

  it('abbreviates long reads in the boxes to fit, and shows more of them on hover', () => {
    const read = Array.from({ length: 300 }, (_, i) => 100 + i);
    const long: CycleExplanation = { ...writeSkew, txns: writeSkew.txns.map((t, i) => (i === 0 ? { ...t, value: [['r', 'x', read], ['append', 'y', 2]] } : t)) };
    const svg = cycleDiagram(long, 'd3').value;
    const lines = [...svg.matchAll(/<text [^>]*class="txn-op">([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect(lines).toEqual(['r x [100 …298 more… 399]', 'append y 2', 'r y [1]', 'append x 3']);
    const tip = /<g class="txn" data-tip="([^"]*)"/.exec(svg)![1]!;
    expect(tip).toBe(`T1 (process 0, op #11)\nr x [${read.slice(0, 15).join(' ')} …270 more… ${read.slice(-15).join(' ')}]\nappend y 2\n(the full value is in the table below the diagram)`);
  });

  it('escapes hostile transaction names, keys and values', () => {
    const evil = '<script>alert(1)</script>';
    const svg = cycleDiagram(
      { kind: 'cycle', txns: writeSkew.txns.map((t) => ({ ...t, name: evil, value: [['append', evil, evil]] })), steps: writeSkew.steps.map((s) => ({ ...s, key: evil, text: `"${evil}` })) },
      'd2',
    ).value;
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
