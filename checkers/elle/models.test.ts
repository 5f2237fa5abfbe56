import { describe, expect, it } from 'vitest';
import { InputError } from '../../harness/errors.ts';
import { anomaliesProhibitedBy, impossibleModels, ordersNeeded, parseConsistencyModel, parseTransactionalModel, weakestModels } from './models.ts';

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
    // ROLA (Liu et al.) forbids lost updates too, and is not above cursor stability.
    expect(weakestModels(impossibleModels(['lost-update']))).toEqual(['cursor-stability', 'rola']);
    expect(weakestModels(impossibleModels(['G-single'])).sort()).toEqual(['consistent-view', 'repeatable-read']);
    // Read atomic (Cerone et al.) is the weakest model with internal consistency, below SI.
    expect(weakestModels(impossibleModels(['internal']))).toEqual(['read-atomic']);
    expect(impossibleModels(['internal'])).toEqual(expect.arrayContaining(['causal-cerone', 'parallel-snapshot-isolation', 'prefix', 'snapshot-isolation', 'serializable']));
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

  it('knows every model of Elle\'s lattice by its name, and Adya\'s and Elle\'s other names for them', () => {
    // The names Elle's consistency-model namespace accepts (friendly and canonical).
    const elle = [
      'causal-cerone', 'consistent-view', 'conflict-serializable', 'cursor-stability', 'forward-consistent-view', 'monotonic-snapshot-read',
      'monotonic-view', 'read-committed', 'read-uncommitted', 'repeatable-read', 'serializable', 'snapshot-isolation', 'strict-serializable',
      'strong-serializable', 'update-serializable', 'strong-session-read-uncommitted', 'strong-session-read-committed', 'strong-read-uncommitted',
      'strong-read-committed', 'view-serializable', 'monotonic-atomic-view', 'parallel-snapshot-isolation', 'ROLA', 'prefix', 'read-atomic',
      'session-serializable', '1SR', 'strong-session-serializable', 'strong-session-snapshot-isolation', 'strong-snapshot-isolation',
      'linearizable', 'sequential', 'causal', 'writes-follow-reads', 'PRAM', 'monotonic-reads', 'monotonic-writes', 'read-your-writes',
      'PL-1', 'PL-2', 'PL-2L', 'PL-2+', 'PL-CS', 'PL-FCV', 'PL-MSR', 'PL-2.99', 'PL-3', 'PL-3U', 'PL-SI', 'PL-SS',
      'strong-session-PL-1', 'strong-session-PL-2', 'strong-PL-1', 'strong-PL-2',
    ];
    for (const name of elle) expect(() => parseConsistencyModel(name), name).not.toThrow();
    expect(parseConsistencyModel('PL-2.99')).toBe('repeatable-read');
    expect(parseConsistencyModel('PL-2L')).toBe('monotonic-view');
    expect(parseConsistencyModel('1SR')).toBe('one-copy-serializable');
  });

  it('orders the lattice as the literature does (a few edges each way)', () => {
    const ruledOutBy = (a: string) => impossibleModels([a]);
    // A dirty read (G1a) breaks read atomic and everything transactional above read committed…
    expect(ruledOutBy('G1a')).toEqual(expect.arrayContaining(['read-committed', 'read-atomic', 'causal-cerone', 'parallel-snapshot-isolation', 'monotonic-view', 'update-serializable']));
    // …but no session guarantee: those are about single objects and processes.
    expect(ruledOutBy('G1a')).not.toContain('read-your-writes');
    // A session-guarantee violation rules out the single-object models above it, and strict
    // serializability (which implies linearizability per object), but not serializability.
    expect(ruledOutBy('read-your-writes-violation')).toEqual(['read-your-writes', 'pram', 'causal', 'sequential', 'linearizable', 'strict-serializable']);
    expect(ruledOutBy('monotonic-reads-violation')).not.toContain('read-your-writes');
    expect(ruledOutBy('writes-follow-reads-violation')).toEqual(['writes-follow-reads', 'causal', 'sequential', 'linearizable', 'strict-serializable']);
    expect(weakestModels(ruledOutBy('causal-cycle'))).toEqual(['causal']);
    // G-single (read skew) breaks consistent view and repeatable read, not PSI or read atomic.
    expect(ruledOutBy('G-single')).not.toContain('parallel-snapshot-isolation');
    expect(ruledOutBy('G-single')).toContain('forward-consistent-view');
  });

  it('refuses a single-object model for a checker of transactions, naming the checker that judges it', () => {
    expect(parseTransactionalModel('PL-2', 'list-append')).toBe('read-committed');
    expect(() => parseTransactionalModel('causal', 'list-append')).toThrow('the list-append checker judges transactional consistency models; causal is a single-object model, checked by the session checker (--checker session)');
    expect(() => parseTransactionalModel('linearizable', 'rw-register')).toThrow(/checked by the linearizable checker/);
  });
});
