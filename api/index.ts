/**
 * faultline as a library: check histories from your own tests.
 *
 * ```ts
 * import { check, readHistory } from 'faultline';
 * const result = await check(await readHistory('history.edn'), { checker: 'linearizable', model: 'cas-register' });
 * ```
 *
 * `faultline/checkers` lists the checkers and models and holds the built-in models;
 * `faultline/generators` has the generator combinators workloads are written with.
 * @module faultline
 */
export { check, readHistory, type CheckOptions, type HistorySource, type OpInput, type ReadHistoryOptions } from './check.ts';
export type { HistoryCheckResult as CheckResult } from '../checkers/check-history.ts';
export type { Anomaly, Validity } from '../harness/result.ts';
export type { History, Op, OpType, Process } from '../harness/history/op.ts';
export type { Model, ModelOp } from '../checkers/linearizable/model.ts';
export { InputError } from '../harness/errors.ts';
// The test-definition helpers (defineTest, defineDatabase, defineWorkload, defineClient) and the contracts they build on.
export * from './define.ts';
