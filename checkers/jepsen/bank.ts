import { vacuousResult } from '../vacuous.ts';
import type { History } from '../../harness/history/op.ts';
import { AnomalyList } from '../anomaly-list.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import type { Anomaly, CheckResult } from '../../harness/result.ts';
import { clientPairs, misfit, show, refuseForeignOps } from './ops.ts';
import { InputError } from '../../harness/errors.ts';

/**
 * Jepsen's bank: `transfer` ops move money between accounts and `read` ops return every
 * account's balance. Every successful read must show the same total (`totalAmount`, else the
 * first read's total, as elle-cli does), only known accounts (`accounts`, else the first read's),
 * no missing balance, and no negative balance unless `negativeBalances` is set. Each read is
 * judged by the first rule it breaks: unexpected-key, nil-balance, wrong-total, negative-value.
 */
export const bankChecker: Checker = {
  name: 'bank',
  options: ['accounts', 'totalAmount', 'negativeBalances', 'allowNegativeBalances'],
  description: 'Jepsen bank: every read conserves the total, without negative balances (--total-amount, --negative-balances)',
  meanings: {
    'wrong-total': 'wrong total: a read saw account balances that do not add up to the constant total',
    'negative-value': 'negative value: a read saw a balance below zero, which the workload never allows',
    'nil-balance': 'missing balance: a read returned no balance for an account that exists',
    'unexpected-key': 'unexpected account: a read returned an account the test never created',
  },
  check(history: History, options: CheckOptions): CheckResult {
    // The 2PC bank workload's recover and ledger ops are the 2pc checker's.
    refuseForeignOps(history, 'bank', ['transfer', 'read'], ['recover', 'ledger']);
    const reads = clientPairs(history, ['read']).flatMap((p) => (p.completion?.type === 'ok' ? [p.completion] : []));
    for (const r of reads) {
      if (typeof r.value !== 'object' || r.value === null || Array.isArray(r.value)) {
        throw misfit('bank', r, `read value ${show(r.value)} is not an object of account balances`);
      }
    }
    if (reads.length === 0) {
      return vacuousResult('bank', true, 'no read completed ok, so no total could be checked');
    }
    const first = reads[0]!.value as Record<string, unknown>;
    const accounts = new Set(parseAccounts(options.accounts) ?? Object.keys(first));
    const inferred = options.totalAmount === undefined;
    const total = inferred ? sum(Object.values(first)) : Number(options.totalAmount);
    if (!Number.isFinite(total)) throw new InputError(`--total-amount must be a number; got ${show(options.totalAmount)}`);
    const negativeOk = options.negativeBalances === true || options.allowNegativeBalances === true;
    const anomalies = new AnomalyList();
    let lowest: Anomaly | undefined;
    let highest: Anomaly | undefined;
    for (const r of reads) {
      const balances = r.value as Record<string, unknown>;
      const keys = Object.keys(balances);
      const unexpected = keys.filter((k) => !accounts.has(k));
      const nils = keys.filter((k) => balances[k] === null || balances[k] === undefined);
      const values = Object.values(balances).filter((v): v is number => typeof v === 'number');
      const t = sum(values);
      const negative = values.filter((v) => v < 0);
      let a: Anomaly | undefined;
      if (unexpected.length > 0) {
        a = { type: 'unexpected-key', ops: [r.index], explanation: { op: r.index, unexpected }, text: `op ${r.index} read accounts ${unexpected.map(show).join(', ')}, which are not among the known accounts` };
      } else if (nils.length > 0) {
        a = { type: 'nil-balance', ops: [r.index], explanation: { op: r.index, accounts: nils }, text: `op ${r.index} read no balance for account${nils.length > 1 ? 's' : ''} ${nils.map(show).join(', ')}` };
      } else if (t !== total) {
        a = { type: 'wrong-total', ops: [r.index], explanation: { op: r.index, total: t, expected: total, balances }, text: `op ${r.index} read balances totalling ${t}, but the total is ${total}${inferred ? ' (from the first read)' : ''}: ${show(balances)}` };
        if (!lowest || t < (lowest.explanation as { total: number }).total) lowest = a;
        if (!highest || t > (highest.explanation as { total: number }).total) highest = a;
      } else if (!negativeOk && negative.length > 0) {
        a = { type: 'negative-value', ops: [r.index], explanation: { op: r.index, negative, balances }, text: `op ${r.index} read negative balance${negative.length > 1 ? 's' : ''} ${negative.join(', ')}: ${show(balances)}` };
      }
      if (a) anomalies.add(a);
    }
    return anomalies.result('bank', {
      readCount: reads.length,
      errorCount: Object.values(anomalies.countsOf()).reduce((x, y) => x + y, 0),
      errorCounts: anomalies.countsOf(),
      totalAmount: total,
      totalInferredFromFirstRead: inferred,
      accounts: [...accounts],
      ...(lowest ? { lowestTotal: lowest.explanation, highestTotal: highest!.explanation } : {}),
    });
  },
};

function sum(values: unknown[]): number {
  let s = 0;
  for (const v of values) if (typeof v === 'number') s += v;
  return s;
}

function parseAccounts(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : String(v).split(',');
  return list.map((a) => String(a).trim()).filter((a) => a !== '');
}
