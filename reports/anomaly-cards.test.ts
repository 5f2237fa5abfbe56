import { describe, expect, it } from 'vitest';
import { compose, type Anomaly, type CheckResult } from '../harness/result.ts';
import { html } from './escape.ts';
import { cardsOf, countByType, foundTypeLabels, typeLabel } from './anomaly-cards.ts';
import { anomaliesSection } from './sections/anomalies.ts';
import { verdictSection, verdictSentence } from './sections/verdict.ts';

const cycle = (type: string, ops: number[]): Anomaly => ({ type, ops, text: `Let T1 = {op ${ops[0]}}, T2 = {op ${ops[1]}}. Then: …: a contradiction!` });

/** Three G2-item cycles, the first of which is also a write skew; and one write skew with no twin. */
function elle(): CheckResult {
  const anomalies = [cycle('G2-item', [1, 3]), cycle('G2-item', [5, 7]), cycle('G2-item', [9, 11]), cycle('G2-item-realtime', [13, 15]), cycle('write-skew', [1, 3]), cycle('write-skew', [13, 15]), cycle('write-skew', [20, 21])];
  return { checker: 'list-append', valid: false, anomalyTypes: ['G2-item', 'G2-item-realtime', 'write-skew'], anomalies };
}

describe('cardsOf', () => {
  it('folds each write skew into the G2-item with the same cycle, and keeps one without a twin', () => {
    const cards = cardsOf('list-append', elle());
    expect(cards.map((c) => [c.anomaly.type, c.anomaly.ops, c.writeSkew])).toEqual([
      ['G2-item', [1, 3], true],
      ['G2-item', [5, 7], false],
      ['G2-item', [9, 11], false],
      ['G2-item-realtime', [13, 15], true],
      ['write-skew', [20, 21], false],
    ]);
    expect(countByType(cards)).toEqual([
      { type: 'G2-item', count: 3, writeSkews: 1 },
      { type: 'G2-item-realtime', count: 1, writeSkews: 1 },
      { type: 'write-skew', count: 1, writeSkews: 0 },
    ]);
  });

  it('never folds a write skew whose text differs, even over the same ops', () => {
    const r: CheckResult = { checker: 'x', valid: false, anomalyTypes: ['G2-item', 'write-skew'], anomalies: [cycle('G2-item', [1, 3]), { ...cycle('write-skew', [1, 3]), text: 'other' }] };
    expect(cardsOf('x', r).map((c) => c.writeSkew)).toEqual([false, false]);
  });
});

describe('type labels', () => {
  it('name write skews in headings, inline, and when only some instances are', () => {
    expect(typeLabel({ type: 'G2-item', count: 2, writeSkews: 2 }, 'heading')).toBe('G2-item — write skew');
    expect(typeLabel({ type: 'G2-item', count: 2, writeSkews: 2 }, 'inline')).toBe('G2-item (write skew)');
    expect(typeLabel({ type: 'G2-item', count: 3, writeSkews: 1 }, 'inline')).toBe('G2-item (1 of 3 a write skew)');
    expect(typeLabel({ type: 'G0', count: 3, writeSkews: 0 }, 'heading')).toBe('G0');
  });

  it('the verdict names write-skew only where it was not folded in', () => {
    expect(foundTypeLabels('list-append', elle())).toEqual(['G2-item (1 of 3 a write skew)', 'G2-item-realtime (write skew)', 'write-skew']);
    const folded: CheckResult = { ...elle(), anomalies: elle().anomalies.slice(0, 5) };
    expect(verdictSentence(compose([folded]))).toBe('Invalid: list-append found G2-item (1 of 3 a write skew) and G2-item-realtime.');
  });
});

describe('the report with write skews folded in', () => {
  it('counts cards, not anomalies, in the verdict and the index, and draws each cycle once', () => {
    const results = compose([elle()]);
    const verdict = html`${verdictSection(results, undefined, false)}`.value;
    expect(verdict).toContain('<a href="#anomaly-G2-item">G2-item (1 of 3 a write skew)</a> ×3, <a href="#anomaly-G2-item-realtime">G2-item-realtime (write skew)</a>, <a href="#anomaly-write-skew">write-skew</a></td>');
    expect(verdict).toContain('5 anomalies below');
    const section = anomaliesSection(results, new Map()).value;
    expect(section.match(/<article class="anomaly">/g)).toHaveLength(5);
    // Only some G2-items are write skews: the group keeps its name, the card says write skew.
    expect(section).toContain('<h3>G2-item <span class="count">3 instances</span></h3>');
    expect(section).toMatch(/<h4>G2-item — write skew <span class="nth">#1<\/span>[^]*?<p class="meaning">write skew: two transactions each read what the other overwrote<\/p>/);
    expect(section).toContain('<h4>G2-item <span class="nth">#2</span>');
    expect(section).toContain('<h3>G2-item-realtime — write skew <span class="count">1 instance</span></h3>\n<p class="meaning">write skew: two transactions each read what the other overwrote (counting real-time order)</p>');
    // write-skew still has its own group (one had no twin), so no second anchor of that name.
    expect(section.match(/id="anomaly-write-skew"/g)).toHaveLength(1);
  });
});

describe('explanation text from a checker that does not abbreviate', () => {
  it('shows its first 2,000 characters and the rest on demand', () => {
    const text = `op 3 read ${'1 '.repeat(3000)}`;
    const r: CheckResult = { checker: 'set', valid: false, anomalyTypes: ['lost-element'], anomalies: [{ type: 'lost-element', text }] };
    const section = anomaliesSection(compose([r]), new Map()).value;
    expect(section).toContain(`<div class="explanation">${text.slice(0, 2000)}… <details class="full-value"><summary>all 6,010 characters</summary><pre>${text}</pre></details></div>`);
  });
});
