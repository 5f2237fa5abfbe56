import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gateVerdict, type RunFacts } from './verdict.ts';

const clean: RunFacts = { interrupted: false, skipped: [], ops: { invoked: 10, ok: 7 } };

describe('gateVerdict (fail closed)', () => {
  it('passes only a finished run whose checkers all said valid', () => {
    expect(gateVerdict(true, clean)).toEqual({ valid: true, incomplete: [] });
  });

  it.each([
    [{ ...clean, interrupted: true }, 'the run was interrupted before its time limit'],
    [{ ...clean, error: 'etcd on n2 not healthy after 30000 ms' }, 'the run failed: etcd on n2 not healthy after 30000 ms'],
    [{ ...clean, skipped: [{ checker: 'linearizable', reason: 'the linearizable checker is not available in this build' }] }, 'the linearizable checker did not run: the linearizable checker is not available in this build'],
    [{ ...clean, ops: { invoked: 0, ok: 0 } }, 'no client operation was invoked'],
    [{ ...clean, ops: { invoked: 40, ok: 0 } }, 'no client operation succeeded'],
    [{ ...clean, unfinished: 'the run left no results.json: it stopped before its checks' }, 'the run left no results.json: it stopped before its checks'],
  ])('%j holds a pass at unknown', (facts, reason) => {
    expect(gateVerdict(true, facts)).toEqual({ valid: 'unknown', incomplete: [reason] });
  });

  it('an anomaly stays invalid however the run ended; unknown stays unknown', () => {
    expect(gateVerdict(false, { ...clean, interrupted: true }).valid).toBe(false);
    expect(gateVerdict('unknown', clean).valid).toBe('unknown');
  });

  it('a vacuous pass (a checker had nothing to check) is held at unknown; a vacuous unknown or a real finding is unchanged', () => {
    const vacuous = { linearizable: { valid: true as const, vacuous: true as const, vacuousReason: 'no operation observed the state' }, stats: { valid: true as const } };
    expect(gateVerdict({ valid: true, checkers: vacuous }, clean)).toEqual({ valid: 'unknown', incomplete: ['the linearizable checker had nothing to check: no operation observed the state'] });
    expect(gateVerdict({ valid: true, checkers: { stats: { valid: true } } }, clean)).toEqual({ valid: true, incomplete: [] });
    expect(gateVerdict({ valid: false, checkers: { ...vacuous, bank: { valid: false } } }, clean).valid).toBe(false);
    expect(gateVerdict({ valid: 'unknown', checkers: { set: { valid: 'unknown', vacuous: true } } }, clean)).toEqual({ valid: 'unknown', incomplete: [] });
    // A reason that already explains the run is not repeated with each checker's.
    expect(gateVerdict({ valid: true, checkers: vacuous }, { ...clean, ops: { invoked: 0, ok: 0 } }).incomplete).toEqual(['no client operation was invoked']);
  });

  it('anything but the three verdicts (a corrupt result) is not a pass', () => {
    for (const v of [undefined, null, 'true', 1, 'valid']) expect(gateVerdict(v as never, clean).valid).toBe('unknown');
  });

  it('property: valid is true exactly when the checkers said true and nothing held the run back', () => {
    fc.assert(
      fc.property(fc.constantFrom(true, false, 'unknown' as const), fc.boolean(), fc.option(fc.string()), fc.boolean(), fc.nat(3), fc.nat(3), (checked, interrupted, error, skipped, invoked, ok) => {
        const facts: RunFacts = { interrupted, skipped: skipped ? [{ checker: 'x', reason: 'y' }] : [], ops: { invoked, ok: Math.min(ok, invoked) }, ...(error === null ? {} : { error }) };
        const g = gateVerdict(checked, facts);
        const held = interrupted || error !== null || skipped || Math.min(ok, invoked) === 0;
        expect(g.valid === true).toBe(checked === true && !held);
        expect(g.incomplete.length > 0).toBe(held);
        if (checked === false) expect(g.valid).toBe(false);
      }),
    );
  });
});
