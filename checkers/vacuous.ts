import type { CheckResult, Validity } from '../harness/result.ts';

/**
 * What a checker answers when the history gives it nothing to check. Each checker returns the
 * verdict its reference tool gives such a history, flagged `vacuous` with a sentence, so a user
 * comparing against Knossos, Porcupine, jepsen.checker or Elle sees the same verdict and is told
 * why it means little; the gate (harness/gate/verdict.ts, JUnit) treats every vacuous result as
 * unknown.
 *
 * | checker                          | vacuous when                                     | verdict | as           |
 * |----------------------------------|--------------------------------------------------|---------|--------------|
 * | linearizable                     | no client op completed ok, or every ok op is     | valid   | Knossos,     |
 * |                                  | a blind write (nothing observed the state)       |         | Porcupine    |
 * | counter, bank, long-fork         | no read completed ok                             | valid   | jepsen       |
 * | unique-ids                       | no generate completed ok                         | valid   | jepsen       |
 * | total-queue                      | nothing was enqueued, dequeued or drained        | valid   | jepsen       |
 * | set                              | the set was never read                           | unknown | jepsen       |
 * | set-full                         | no element was ever stably read                  | unknown | jepsen       |
 * | list-append, rw-register         | no ww/wr/rw dependency: nothing observed another | unknown | Elle (empty- |
 * |                                  | transaction (empty, all failed, no reads)        |         | txn graph)   |
 * | session guarantees               | no process read after another op of its own      | valid   | (Elle's      |
 * |                                  |                                                  |         | session view)|
 * | stats, well-formed               | no client op at all                              | valid   | jepsen stats |
 * | converged, lost-update, on-call, | no final read / no ledger read (faultline's own: | unknown | —            |
 * | 2pc                              | nothing checked is not a pass)                   |         |              |
 */
export function vacuousResult(checker: string, valid: Validity, reason: string, more: Partial<CheckResult> = {}): CheckResult {
  return {
    checker,
    valid,
    anomalyTypes: [],
    anomalies: [],
    ...more,
    // An unknown verdict keeps saying why in `error`, where every printer already looks.
    ...(valid === 'unknown' ? { error: reason } : {}),
    vacuous: true,
    vacuousReason: reason,
  };
}

/** `vacuous` and its sentence, to spread into a result that is built elsewhere. */
export function vacuity(reason: string): Pick<CheckResult, 'vacuous' | 'vacuousReason'> {
  return { vacuous: true, vacuousReason: reason };
}
