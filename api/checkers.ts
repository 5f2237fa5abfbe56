/**
 * What `check()` can check with: the checkers and models by name, the built-in linearizability
 * models (to wrap or reuse in your own), the contracts your own checker or model implements, and
 * `compose` to merge several results into one verdict (false > unknown > true).
 * @module faultline/checkers
 */
import { CONSISTENCY_MODELS } from '../checkers/elle/models.ts';
import { modelNames as registeredModels } from '../checkers/linearizable/models/index.ts';
import { checkers } from '../checkers/registry.ts';

/** The checkers `check({ checker })` and `faultline check --checker` accept. */
export function checkerNames(): string[] {
  return checkers.names();
}

/** The built-in linearizability models `check({ checker: 'linearizable', model })` accepts by name. */
export function modelNames(): string[] {
  return registeredModels();
}

/** The consistency models the transactional checkers judge against (`consistencyModel`). */
export function consistencyModels(): string[] {
  return [...CONSISTENCY_MODELS];
}

export { casRegisterModel } from '../checkers/linearizable/models/cas-register.ts';
export { registerModel } from '../checkers/linearizable/models/register.ts';
export { kvModel, type KvState } from '../checkers/linearizable/models/kv.ts';
export { mutexModel } from '../checkers/linearizable/models/mutex.ts';
export { setModel } from '../checkers/linearizable/models/set.ts';
export { fifoQueueModel } from '../checkers/linearizable/models/fifo-queue.ts';
export { compose } from '../harness/result.ts';
export type { Checker, CheckOptions as CheckerOptions } from '../checkers/checker.ts';
export type { Model, ModelOp } from '../checkers/linearizable/model.ts';
export type { Anomaly, CheckResult, ComposedResult, Validity } from '../harness/result.ts';
