import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { anomaliesProhibitedBy, impossibleModels, ordersNeeded, parseConsistencyModel, weakestModels } from './models.ts';

describe('consistency models', () => {
  it('PostgreSQL repeatable read showing only G2-item rules out serializable, not snapshot isolation', () => {
    const ruledOut = impossibleModels(['G2-item', 'write-skew']);
    expect(ruledOut).toEqual(['repeatable-read', 'serializable', 'strong-session-serializable', 'strict-serializable']);
    expect(ruledOut).not.toContain('snapshot-isolation');
    expect(weakestModels(ruledOut)).toEqual(['repeatable-read']);
  });

  it('rules out the weakest model an anomaly breaks and every stronger one', () => {
    expect(impossibleModels(['G0'])).toContain('read-uncommitted');
    expect(impossibleModels(['G0'])).toContain('strict-serializable');
    expect(weakestModels(impossibleModels(['G1a']))).toEqual(['read-committed']);
    expect(weakestModels(impossibleModels(['lost-update']))).toEqual(['cursor-stability']);
    expect(weakestModels(impossibleModels(['G-single'])).sort()).toEqual(['consistent-view', 'repeatable-read']);
    expect(weakestModels(impossibleModels(['internal']))).toEqual(['snapshot-isolation']);
  });

  it('lets realtime-only anomalies rule out only the models that promise realtime order', () => {
    const ruledOut = impossibleModels(['G-single-realtime']);
    expect(ruledOut).toEqual(expect.arrayContaining(['strict-serializable', 'strong-snapshot-isolation']));
    expect(ruledOut).not.toContain('serializable');
    expect(ruledOut).not.toContain('snapshot-isolation');
    expect(impossibleModels(['G1c-process'])).toContain('strong-session-read-committed');
    expect(impossibleModels(['G1c-process'])).not.toContain('read-committed');
  });

  it('knows what each model forbids', () => {
    expect(anomaliesProhibitedBy('snapshot-isolation').has('G2-item')).toBe(false);
    expect(anomaliesProhibitedBy('snapshot-isolation').has('G-single')).toBe(true);
    expect(anomaliesProhibitedBy('snapshot-isolation').has('lost-update')).toBe(true);
    expect(anomaliesProhibitedBy('read-committed').has('G-single')).toBe(false);
    expect(anomaliesProhibitedBy('read-committed').has('G1b')).toBe(true);
    expect(anomaliesProhibitedBy('repeatable-read').has('G-single')).toBe(true);
    expect(anomaliesProhibitedBy('strict-serializable').has('G2-item-realtime')).toBe(true);
    expect(anomaliesProhibitedBy('serializable').has('G2-item-realtime')).toBe(false);
  });

  it('builds process and realtime order only when the model needs them', () => {
    expect(ordersNeeded('strict-serializable')).toEqual({ process: true, realtime: true });
    expect(ordersNeeded('strong-session-snapshot-isolation')).toEqual({ process: true, realtime: false });
    expect(ordersNeeded('serializable')).toEqual({ process: false, realtime: false });
    expect(ordersNeeded('snapshot-isolation')).toEqual({ process: false, realtime: false });
  });

  it('defaults to strict-serializable, accepts aliases, and names the choices on a typo', () => {
    expect(parseConsistencyModel(undefined)).toBe('strict-serializable');
    expect(parseConsistencyModel('strong-serializable')).toBe('strict-serializable');
    expect(() => parseConsistencyModel('serialisable')).toThrow(InputError);
    expect(() => parseConsistencyModel('serialisable')).toThrow(/expected one of strict-serializable, .*snapshot-isolation/);
  });
});
