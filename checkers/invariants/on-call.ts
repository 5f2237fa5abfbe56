import { InputError } from '../../harness/errors.ts';
import type { History } from '../../harness/history/op.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import { parseDoctorKey } from '../conventions.ts';
import type { Anomaly, CheckResult, Validity } from '../../harness/result.ts';
import { anomaliesProhibitedBy, impossibleModels, parseTransactionalModel } from '../elle/models.ts';
import { txnOp } from '../elle/txn-anomalies.ts';
import { collectTxns, OK } from '../elle/txns.ts';
import { show } from '../elle/values.ts';
import { vacuity } from '../vacuous.ts';

interface Shift {
  /** Doctor → the committed ops that took them off call. */
  takenOff: Map<number, number[]>;
  /** Doctor → an ok op that read them off call. */
  seenOff: Map<number, number>;
}

/**
 * The on-call invariant of the write-skew workload: every shift keeps at least one doctor on
 * call. Keys are `s<shift>-d<doctor>`; a read returns null while the doctor is on call, and a
 * write takes them off call for good. A doctor is off call at the end if a committed transaction
 * took them off, or a committed read saw them off. A shift with every doctor off call is a
 * violation — reachable only through write skew (each transaction saw two on call), which is a
 * G2-item: it breaks every model that forbids G2-item (serializable, repeatable read) and none
 * that allows it (snapshot isolation, read committed), where it is reported under `details`.
 */
export const onCallChecker: Checker = {
  name: 'on-call',
  options: ['consistencyModel', 'doctorsPerShift'],
  description: 'write-skew workload: every shift keeps a doctor on call (--consistency-model, --doctors-per-shift)',
  meanings: { 'on-call-invariant': 'write skew made visible: every doctor of a shift went off call, though each transaction saw two on call' },
  check(history: History, options: CheckOptions): CheckResult {
    const t0 = performance.now();
    const model = parseTransactionalModel(options.consistencyModel, 'on-call');
    const txns = collectTxns(history, 'on-call', ['w', 'r'], (v) => v === null || typeof v === 'number', 'null (on call) or a number (off call)');
    const shifts = new Map<number, Shift>();
    let doctors = Number(options.doctorsPerShift ?? 0);
    const shiftOf = (s: number) => shifts.get(s) ?? (shifts.set(s, { takenOff: new Map(), seenOff: new Map() }), shifts.get(s)!);
    let committedWrites = 0;
    for (let t = 0; t < txns.count; t++) {
      if (txns.type[t] !== OK) continue;
      const op = txnOp(txns, t);
      for (const [f, k, v] of txns.mops[t]!) {
        const at = parseDoctorKey(k);
        if (!at) throw new InputError(`op ${op} does not fit the on-call checker: key ${show(k)} is not a doctor key like "s12-d0"`);
        if (options.doctorsPerShift === undefined) doctors = Math.max(doctors, at.doctor + 1);
        const s = shiftOf(at.shift);
        if (f === 'w') {
          committedWrites++;
          const by = s.takenOff.get(at.doctor) ?? [];
          by.push(op);
          s.takenOff.set(at.doctor, by);
        } else if (v !== null && !s.seenOff.has(at.doctor)) s.seenOff.set(at.doctor, op);
      }
    }
    const violations: Anomaly[] = [];
    for (const [shift, s] of [...shifts].sort((a, b) => a[0] - b[0])) {
      const off = Array.from({ length: doctors }, (_, d) => d).filter((d) => s.takenOff.has(d) || s.seenOff.has(d));
      if (doctors < 2 || off.length < doctors) continue;
      const how = off.map((d) => (s.takenOff.has(d) ? `doctor ${d} was taken off call by op ${s.takenOff.get(d)!.join(' and op ')}` : `doctor ${d} was read off call by op ${s.seenOff.get(d)}`));
      const ops = [...new Set(off.flatMap((d) => s.takenOff.get(d) ?? [s.seenOff.get(d)!]))].sort((a, b) => a - b);
      violations.push({
        type: 'on-call-invariant',
        key: `s${shift}`,
        ops,
        explanation: { shift, doctors, takenOff: Object.fromEntries(s.takenOff), seenOff: Object.fromEntries(s.seenOff) },
        text: `shift ${shift} has no doctor on call: ${how.join('; ')} — each having read that at least two were on call (write skew)`,
      });
    }
    // The violation is a G2-item; judge it as one.
    const prohibited = anomaliesProhibitedBy(model).has('G2-item');
    let valid: Validity = prohibited && violations.length > 0 ? false : true;
    let error: string | undefined;
    if (committedWrites === 0) {
      valid = valid === false ? false : 'unknown';
      error = 'no transaction committed taking a doctor off call, so nothing could be checked';
    }
    const kept = prohibited ? violations : [];
    return {
      checker: 'on-call',
      valid,
      ...(committedWrites === 0 && valid !== false ? vacuity(error!) : {}),
      anomalyTypes: kept.length > 0 ? ['on-call-invariant'] : [],
      anomalies: kept.slice(0, 100),
      notModels: violations.length > 0 ? impossibleModels(['G2-item']) : [],
      ...(error ? { error } : {}),
      stats: { checkMs: Math.round(performance.now() - t0) },
      details: {
        consistencyModel: model,
        shifts: shifts.size,
        doctorsPerShift: doctors,
        committedWrites,
        violations: violations.length,
        ...(prohibited ? {} : { allowedAnomalies: violations.slice(0, 100) }),
      },
    };
  },
};
