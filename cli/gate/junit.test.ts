import { XMLParser, XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../harness/result.ts';
import { junitSuite } from './junit-cases.ts';
import { renderJUnit } from './junit.ts';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n), textNodeName: '#text' });

const valid = (checker: string): CheckResult => ({ checker, valid: true, anomalyTypes: [], anomalies: [], stats: { checkMs: 12.5 } });

const g2: CheckResult = {
  checker: 'list-append',
  valid: false,
  anomalyTypes: ['G2-item', 'write-skew'],
  anomalies: [
    { type: 'G2-item', text: 'Let T1 = {…}, T2 = {…}. Then: T1 < T2, because T1 did not observe T2\'s append of 3 to key "x" & <y>. However, T2 < T1…: a contradiction!' },
    { type: 'write-skew', key: 'x', text: 'T1 and T2 both read, then wrote different keys' },
  ],
  notModels: ['serializable', 'strict-serializable'],
};

describe('renderJUnit', () => {
  it('one suite per run, one case per checker plus the run; an anomaly is a failure with its explanation, unknown an error', () => {
    const unknown: CheckResult = { checker: 'linearizable', valid: 'unknown', anomalyTypes: [], anomalies: [], error: 'the time limit of 5 ms ran out before deciding' };
    const text = renderJUnit([
      junitSuite({ name: 'pg-append#1', startedAt: '2026-01-01T12:00:00.000Z', durationMs: 15_000, checkers: { stats: valid('stats'), 'list-append': g2 }, incomplete: [], replay: 'npx faultline run --seed 7', dir: 'store/pg/1', properties: { seed: '7' } }),
      junitSuite({ name: 'etcd-register#1', durationMs: 1_000, checkers: { linearizable: unknown }, incomplete: ['the run was interrupted before its time limit'] }),
      junitSuite({ name: 'history.edn', checkers: { linearizable: valid('linearizable') } }),
    ]);
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = parser.parse(text).testsuites;
    expect([doc.name, doc.tests, doc.failures, doc.errors, doc.time]).toEqual(['faultline', '6', '1', '2', '16.000']);
    const [pg, etcd, file] = doc.testsuite;
    expect([pg.name, pg.tests, pg.failures, pg.errors, pg.time, pg.timestamp]).toEqual(['pg-append#1', '3', '1', '0', '15.000', '2026-01-01T12:00:00.000']);
    expect(pg.properties.property).toEqual([{ name: 'seed', value: '7' }]);
    expect(pg.testcase.map((c: { name: string; classname: string }) => [c.name, c.classname])).toEqual([
      ['stats', 'pg-append#1'],
      ['list-append', 'pg-append#1'],
      ['run', 'pg-append#1'],
    ]);
    expect(pg.testcase[0].time).toBe('0.013');
    const failure = pg.testcase[1].failure;
    expect(failure.type).toBe('G2-item,write-skew');
    expect(failure.message).toBe(`G2-item: ${g2.anomalies[0]!.text}`);
    expect(failure['#text']).toBe(`G2-item: ${g2.anomalies[0]!.text}\nwrite-skew (key "x"): T1 and T2 both read, then wrote different keys\nruled out: serializable, strict-serializable\n\nreplay: npx faultline run --seed 7`);
    expect(pg['system-out']).toBe('run folder: store/pg/1\nreplay: npx faultline run --seed 7');
    expect(etcd.testcase[0].error).toMatchObject({ type: 'unknown', message: 'unknown: the time limit of 5 ms ran out before deciding' });
    expect(etcd.testcase[1].error).toMatchObject({ type: 'incomplete', message: 'the run was interrupted before its time limit' });
    // A checked file has no run case.
    expect(file.testcase.map((c: { name: string }) => c.name)).toEqual(['linearizable']);
  });

  it('a vacuous pass (nothing to check) is an error case, never a pass', () => {
    const vacuous: CheckResult = { ...valid('linearizable'), vacuous: true, vacuousReason: 'the history has no client operations' };
    const doc = parser.parse(renderJUnit([junitSuite({ name: 'empty.log', checkers: { linearizable: vacuous }, replay: 'npx faultline check empty.log' })])).testsuites;
    expect([doc.tests, doc.failures, doc.errors]).toEqual(['1', '0', '1']);
    expect(doc.testsuite[0].testcase[0].error).toMatchObject({ type: 'vacuous', message: 'unknown: linearizable had nothing to check: the history has no client operations' });
  });

  it('property: any text from a history or database still gives well-formed XML that reads back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (text, name) => {
        const xml = renderJUnit([junitSuite({ name, checkers: { c: { ...g2, notModels: [], anomalies: [{ type: 'x', text }] } } })]);
        expect(XMLValidator.validate(xml)).toBe(true);
        const tc = parser.parse(xml).testsuites.testsuite[0].testcase[0];
        // Characters XML cannot carry become U+FFFD; everything else survives (the parser trims).
        const expected = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
        expect(String(tc.failure['#text'] ?? '')).toBe(`x: ${expected}`.trim().replace(/\r\n?/g, '\n'));
      }),
      { numRuns: 300 },
    );
  });
});
