import { describe, expect, it } from 'vitest';
import { checkers, registerChecker } from '../../checkers/registry.ts';
import type { Checker } from '../../checkers/checker.ts';
import { compose, unknown } from '../../harness/result.ts';
import { HistoryBuilder } from '../../test/support/history-builder.ts';
import { renderReport } from '../render-report.ts';
import { PICTURE_KINDS } from './explanation-pictures.ts';

describe('explanations and meanings come from the checkers', () => {
  it('every explanation kind a registered checker declares has a renderer, and every meaning is a sentence', () => {
    for (const c of checkers.all()) {
      for (const kind of c.explanationKinds ?? []) expect(PICTURE_KINDS, `${c.name} declares ${kind}`).toContain(kind);
      for (const [type, meaning] of Object.entries(c.meanings ?? {})) expect(meaning.length, `${c.name}: ${type}`).toBeGreaterThan(20);
    }
    // The cycle and linearizability pictures are each declared by some checker.
    expect(checkers.all().flatMap((c) => c.explanationKinds ?? []).sort()).toEqual(['cycle', 'cycle', 'linearizability']);
  });

  const madeUp: Checker = {
    name: 'made-up',
    description: 'a checker a user wrote (tests)',
    meanings: { 'torn-write': 'torn write: half of a write became visible' },
    explanationKinds: ['sketch'],
    check: () => unknown('made-up', 'never run'),
  };
  it("a new checker's anomalies show its own meaning, and an explanation of a kind the report cannot draw shows as data — no table in reports/ to edit", async () => {
    registerChecker(madeUp);
    const history = new HistoryBuilder().op(0, 'write', 1).build();
    const anomaly = { type: 'torn-write', ops: [1], text: 'op 1 wrote half', explanation: { kind: 'sketch', half: 'left' } };
    const other = { type: 'odd', ops: [1], text: 'op 1 was odd' };
    const page = await renderReport({ history, results: compose([{ checker: 'made-up', valid: false, anomalyTypes: ['odd', 'torn-write'], anomalies: [anomaly, other] }]) });
    expect(page).toContain('<p class="meaning">torn write: half of a write became visible</p>');
    expect(page).toContain('<p class="meaning">an anomaly the made-up checker reported; see the explanation below</p>');
    expect(page).toMatch(/<details class="raw"><summary>explanation data<\/summary><pre>\{\n {2}&quot;kind&quot;: &quot;sketch&quot;,/);
  });

  it('a cycle-kind explanation whose data is not a cycle is shown as data rather than drawn wrong', async () => {
    const history = new HistoryBuilder().op(0, 'write', 1).build();
    const anomaly = { type: 'G0', ops: [1], text: 'a broken cycle', explanation: { kind: 'cycle', txns: 'not a list' } };
    const page = await renderReport({ history, results: compose([{ checker: 'list-append', valid: false, anomalyTypes: ['G0'], anomalies: [anomaly] }]) });
    expect(page).not.toContain('<svg class="cycle"');
    expect(page).toContain('<details class="raw"><summary>explanation data</summary>');
    expect(page).toContain('<p class="meaning">write cycle: ');
  });
});
