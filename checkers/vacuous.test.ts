import { describe, expect, it } from 'vitest';
import type { History } from '../harness/history/op.ts';
import { HistoryBuilder } from '../test/support/history-builder.ts';
import { checkSafe } from './check-safe.ts';
import { checkerNames, getChecker } from './registry.ts';
import type { Validity } from '../harness/result.ts';

/** Each checker's verdict on a history with nothing to check: its reference tool's (vacuous.ts). */
const REFERENCE: Record<string, Validity> = {
  linearizable: true, // Knossos, Porcupine
  counter: true, // jepsen.checker/counter
  bank: true, // jepsen.tests.bank
  'long-fork': true, // jepsen.tests.long-fork
  'unique-ids': true, // jepsen.checker/unique-ids
  'total-queue': true, // jepsen.checker/total-queue
  set: 'unknown', // jepsen.checker/set: "Set was never read"
  'set-full': 'unknown', // jepsen.checker/set-full: no stable element
  'list-append': 'unknown', // Elle: empty-transaction-graph
  'rw-register': 'unknown', // Elle: empty-transaction-graph
  session: true, // no session could see a stale state
  stats: true, // jepsen.checker/stats over no :f
  'well-formed': true,
  converged: 'unknown', // faultline's own: nothing checked is not a pass
  'lost-update': 'unknown',
  'on-call': 'unknown',
  '2pc': 'unknown',
};

const onlyNemesis = new HistoryBuilder().nemesis('start-partition', 'majority').nemesis('stop-partition', null).ops;

async function check(name: string, history: History, options: Record<string, unknown> = {}) {
  return checkSafe(getChecker(name)!, history, options);
}

describe('vacuous histories: the reference verdict, flagged vacuous with a sentence', () => {
  it('covers every registered checker', () => {
    expect(Object.keys(REFERENCE).sort()).toEqual(checkerNames());
  });

  it.each(Object.entries(REFERENCE))('%s on an empty history and on one of only nemesis ops: %s, vacuous', async (name, verdict) => {
    for (const history of [[], onlyNemesis]) {
      const r = await check(name, history);
      expect(r.valid).toBe(verdict);
      // Elle's checkers name the empty graph as Elle does (an unknown-making anomaly type).
      expect(r.anomalies.filter((a) => a.type !== 'empty-transaction-graph')).toEqual([]);
      if (name === 'well-formed' && history.length > 0) {
        expect(r.vacuous).toBeUndefined(); // nemesis ops are still a history whose shape was checked
        continue;
      }
      expect(r.vacuous).toBe(true);
      expect(r.vacuousReason).toMatch(/^[a-z].{10,}[^.]$/);
      // An unknown verdict says why where every printer looks.
      if (verdict === 'unknown') expect(r.error).toBe(r.vacuousReason);
    }
  });

  it('linearizable: every op failed, every op crashed, only blind writes — valid and vacuous; one ok read makes it a real check', async () => {
    const failed = new HistoryBuilder();
    failed.invoke(0, 'write', 1);
    failed.complete(0, 'fail');
    failed.invoke(1, 'read', null);
    failed.complete(1, 'fail');
    const crashed = new HistoryBuilder();
    crashed.invoke(0, 'cas', [5, 6]);
    crashed.complete(0, 'info');
    crashed.invoke(1, 'read', null);
    const writes = new HistoryBuilder();
    writes.invoke(0, 'write', 1);
    writes.invoke(1, 'write', 2);
    writes.complete(1, 'ok');
    writes.complete(0, 'ok');
    for (const [b, why] of [
      [failed, /none of the 2 client operations completed ok/],
      [crashed, /none of the 2 client operations completed ok/],
      [writes, /no operation observed the state \(the 2 ok operations are blind updates/],
    ] as const) {
      const r = await check('linearizable', b.ops, { model: 'cas-register' });
      expect(r).toMatchObject({ valid: true, vacuous: true });
      expect(r.vacuousReason).toMatch(why);
    }
    // A read of a value never written: checked, and found not linearizable.
    writes.invoke(2, 'read', null);
    writes.complete(2, 'ok', 7);
    const r = await check('linearizable', writes.ops, { model: 'cas-register' });
    expect(r.valid).toBe(false);
    expect(r.vacuous).toBeUndefined();
    // An ok cas observes the state too: a cas from a value never written is refused.
    const cas = new HistoryBuilder();
    cas.invoke(0, 'cas', [3, 4]);
    cas.complete(0, 'ok');
    expect(await check('linearizable', cas.ops, { model: 'cas-register' })).toMatchObject({ valid: false });
  });

  it('list-append and rw-register: every transaction failed, or none read anything — unknown (Elle), vacuous', async () => {
    const failed = new HistoryBuilder();
    failed.invoke(0, 'txn', [['append', 'x', 1], ['r', 'x', null]]);
    failed.complete(0, 'fail');
    const blind = new HistoryBuilder();
    blind.invoke(0, 'txn', [['append', 'x', 1]]);
    blind.complete(0, 'ok');
    for (const h of [failed.ops, blind.ops]) {
      const r = await check('list-append', h);
      expect(r).toMatchObject({ valid: 'unknown', vacuous: true });
    }
    const w = new HistoryBuilder();
    w.invoke(0, 'txn', [['w', 'x', 1]]);
    w.complete(0, 'ok');
    expect(await check('rw-register', w.ops)).toMatchObject({ valid: 'unknown', vacuous: true });
  });

  it('the Jepsen family: reads or acknowledgements that all failed leave nothing checked', async () => {
    const counter = new HistoryBuilder();
    counter.invoke(0, 'add', 1);
    counter.complete(0, 'ok');
    counter.invoke(1, 'read', null);
    counter.complete(1, 'fail');
    expect(await check('counter', counter.ops)).toMatchObject({ valid: true, vacuous: true });
    const queue = new HistoryBuilder();
    queue.invoke(0, 'enqueue', 1);
    queue.complete(0, 'fail');
    expect(await check('total-queue', queue.ops)).toMatchObject({ valid: true, vacuous: true });
    // An acknowledged enqueue never dequeued is a real finding, not a vacuous pass.
    queue.invoke(0, 'enqueue', 2);
    queue.complete(0, 'ok');
    expect(await check('total-queue', queue.ops)).toMatchObject({ valid: false, anomalyTypes: ['lost-element'] });
  });
});
