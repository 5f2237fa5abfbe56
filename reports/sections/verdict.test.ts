import { describe, expect, it } from 'vitest';
import { compose, type CheckResult } from '../../harness/result.ts';
import { html } from '../escape.ts';
import { ruledOutModels, verdictSection, verdictSentence } from './verdict.ts';

const result = (checker: string, valid: CheckResult['valid'], types: string[] = [], extra: Partial<CheckResult> = {}): CheckResult => ({
  checker,
  valid,
  anomalyTypes: types,
  anomalies: types.map((type) => ({ type, text: `${type} happened` })),
  ...extra,
});

describe('verdictSentence', () => {
  it('says who found what, and who found nothing', () => {
    const r = compose([result('elle', false, ['G2-item', 'write-skew'], { notModels: ['serializable'] }), result('linearizable', false, ['nonlinearizable']), result('stats', true)]);
    expect(verdictSentence(r)).toBe('Invalid: elle found G2-item and write-skew and linearizable found nonlinearizable. stats found nothing wrong.');
  });

  it('says valid with the checkers named', () => {
    expect(verdictSentence(compose([result('stats', true), result('linearizable', true)]))).toBe('Valid: all 2 checkers (stats and linearizable) found no anomaly in this history.');
    expect(verdictSentence(compose([result('stats', true)]))).toBe('Valid: the stats checker found no anomaly in this history.');
  });

  it('never passes off unknown or unchecked as valid', () => {
    expect(verdictSentence(compose([result('linearizable', 'unknown', [], { error: 'ran out of time after 60 s' }), result('stats', true)]))).toBe(
      'Unknown: no checker found an anomaly, but not every checker could decide, and unknown is not a pass. linearizable could not decide (ran out of time after 60 s).',
    );
    expect(verdictSentence(compose([]))).toBe('Unknown: no checker ran, and nothing checked is not a pass.');
    expect(verdictSentence(undefined)).toMatch(/^Not checked: /);
  });
});

describe('vacuous passes and ignored options', () => {
  it('says a vacuous pass had nothing to check and that a gate counts it as unknown', () => {
    const r = compose([result('linearizable', true, [], { vacuous: true, vacuousReason: 'Every operation failed.' }), result('stats', true)]);
    expect(verdictSentence(r)).toBe(
      'Valid: all 2 checkers (linearizable and stats) found no anomaly in this history. linearizable had nothing to check (Every operation failed); a gate (run, torture, --junit) counts that as unknown, not a pass.',
    );
    expect(verdictSentence(compose([result('stats', true)]))).not.toContain('nothing to check');
  });

  it("shows a checker's vacuous reason and warnings in its row", () => {
    const r = compose([result('counter', true, [], { vacuous: true, vacuousReason: 'No reads.', warnings: ['model "cas-register" was ignored'] })]);
    const out = html`${verdictSection(r, undefined, false)}`.value;
    expect(out).toContain('<td class="note">nothing to check: No reads.; model &quot;cas-register&quot; was ignored</td>');
  });
});

describe('verdictSection', () => {
  it("says why a run could not finish, and when it was interrupted", () => {
    const out = html`${verdictSection({ ...compose([result('stats', 'unknown')]), error: 'etcd on n3 not healthy after 30000 ms', interrupted: true }, undefined, true)}`.value;
    expect(out).toContain('<p class="run-error">The run could not finish: etcd on n3 not healthy after 30000 ms</p>');
    expect(out).toContain('The run was interrupted before its time limit');
  });

  it('lists ruled-out models once, each checker, and the replay command', () => {
    const r = compose([result('elle', false, ['G2-item'], { notModels: ['repeatable-read', 'serializable'] }), result('bank', false, ['wrong-total'], { notModels: ['serializable'] })]);
    expect(ruledOutModels(r)).toEqual(['repeatable-read', 'serializable']);
    const out = html`${verdictSection(r, "faultline run --seed 7 --db 'a b'", true)}`.value;
    expect(out).toContain('class="verdict verdict-invalid"');
    expect(out).toContain('Ruled out: this history is not <b>repeatable-read and serializable</b>');
    expect(out).toContain('<a href="#anomaly-G2-item">G2-item</a>');
    expect(out).toContain('faultline run --seed 7 --db &#39;a b&#39;');
    expect(out).toContain('The seed replays the schedule');
  });

  it('says what a seed replays only when the replay line has one (check has none)', () => {
    const r = compose([result('linearizable', false, ['nonlinearizable'])]);
    const out = html`${verdictSection(r, 'faultline check h.log --checker linearizable', false)}`.value;
    expect(out).toContain('faultline check h.log --checker linearizable');
    expect(out).not.toContain('seed');
  });
});
