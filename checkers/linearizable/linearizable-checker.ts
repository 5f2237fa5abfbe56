import type { History } from '../../harness/history/op.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import { anomalyTypesOf, type Anomaly, type CheckResult, type Validity } from '../result.ts';
import { explainFailure, renderFailure } from './explain.ts';
import { keyedModel } from './keyed-model.ts';
import { completeModel, type CompleteModel, type Model } from './model.ts';
import { getModel, modelNames } from './models/index.ts';
import { splitHistory, type Partition } from './partition.ts';
import { LinearizationSearch } from './search.ts';

export interface LinearizableOptions extends CheckOptions {
  /** A registered model's name, or a model. Default `cas-register`. */
  model?: string | Model<never>;
  /** Check each independent key on its own (P-compositionality). Default true. */
  perKey?: boolean;
  /** Memo size, over all keys, before the verdict turns unknown. Default 512 MiB. */
  maxCacheBytes?: number;
}

const DEFAULT_MAX_CACHE_BYTES = 512 * 1024 * 1024;
/** Steps each undecided key gets in the first round; doubled every round. */
const FIRST_ROUND_STEPS = 1 << 14;

interface KeySearch {
  part: Partition;
  model: CompleteModel<unknown>;
  search: LinearizationSearch<unknown>;
}

/** Linearizability per key, by Wing & Gong's search with Lowe's memo. */
export const linearizableChecker: Checker = {
  name: 'linearizable',
  description: `linearizability against a model (--model ${modelNames().join('|')}), per independent key`,
  check: (history, options) => checkLinearizable(history, options as LinearizableOptions),
};

/**
 * Keys are searched in rounds with a doubling step budget, so cheap keys are decided first and
 * one exponential key cannot hide a failure elsewhere. After a round in which some key failed,
 * the keys still undecided are left alone (as Porcupine stops at the first failing partition):
 * the verdict is already false, and they are listed in `details.undecidedKeys`.
 */
export function checkLinearizable(history: History, options: LinearizableOptions = {}): CheckResult {
  const start = performance.now();
  const modelOption = options.model ?? 'cas-register';
  const found = typeof modelOption === 'string' ? getModel(modelOption) : (modelOption as Model<unknown>);
  if (!found) return unknown(`unknown model ${JSON.stringify(modelOption)}; expected one of ${modelNames().join(', ')}`);
  const model = completeModel(found);
  const perKey = options.perKey ?? true;
  const split = splitHistory(history, model, perKey);
  if (split.unknownOp) {
    const { index, f } = split.unknownOp;
    return unknown(`op ${index} has f=${JSON.stringify(f)}, which the ${model.name} model does not know; expected one of ${model.fs.join(', ')}`);
  }
  if (split.opCount === 0) return unknown('the history has no client operations');

  const deadline = start + (options.timeLimitMs ?? Infinity);
  const maxCacheBytes = options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES;
  const anomalies: Anomaly[] = [];
  let pending: KeySearch[] = split.partitions.map((part) => {
    const m = (perKey ? model : keyedModel(model, keysOf(part))) as CompleteModel<unknown>;
    return { part, model: m, search: new LinearizationSearch(part.ops, m, maxCacheBytes) };
  });
  const all = pending;
  let stop: 'timeout' | 'out-of-memory' | 'failed' | undefined;
  for (let budget = FIRST_ROUND_STEPS; pending.length > 0 && !stop; budget *= 2) {
    const still: KeySearch[] = [];
    for (const ks of pending) {
      const r = stop ? undefined : ks.search.run(budget, deadline);
      if (r === undefined) {
        still.push(ks);
        if (performance.now() > deadline) stop = 'timeout';
      } else if (r.kind === 'out-of-memory') {
        still.push(ks);
        stop = 'out-of-memory';
      } else if (r.kind === 'nonlinearizable') {
        anomalies.push(anomalyOf(ks, r));
      }
    }
    if (!stop && all.reduce((sum, ks) => sum + ks.search.cacheBytes, 0) > maxCacheBytes) stop = 'out-of-memory';
    if (!stop && anomalies.length > 0 && still.length > 0) stop = 'failed';
    pending = still;
  }

  const stats = all.reduce(
    (acc, ks) => {
      const s = ks.search.stats;
      acc.configs += s.configs;
      acc.steps += s.steps;
      acc.states += s.states;
      acc.cacheBytes += s.cacheBytes;
      return acc;
    },
    { configs: 0, steps: 0, states: 0, cacheBytes: 0 },
  );
  let valid: Validity = anomalies.length > 0 ? false : pending.length > 0 ? 'unknown' : true;
  const result: CheckResult = {
    checker: 'linearizable',
    valid,
    anomalyTypes: anomalyTypesOf(anomalies),
    anomalies,
    stats: { checkMs: performance.now() - start, keys: split.partitions.length, ...stats },
    details: { model: model.name, perKey, ops: split.opCount, keys: split.partitions.length },
  };
  if (pending.length > 0) {
    const where = pending.length === 1 && pending[0]!.part.key === undefined ? 'the history' : `${pending.length} key${pending.length === 1 ? '' : 's'} (${pending.map((p) => JSON.stringify(p.part.key)).slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''})`;
    const why =
      stop === 'timeout'
        ? `the time limit of ${options.timeLimitMs} ms ran out`
        : stop === 'out-of-memory'
          ? `the search outgrew its memo limit of ${Math.round(maxCacheBytes / 2 ** 20)} MiB`
          : 'another key already failed, so the search stopped';
    result.error = `${why} before deciding ${where}`;
    result.details!.undecidedKeys = pending.map((p) => p.part.key ?? null);
  }
  if (valid === true && split.partitions.length === 0) {
    valid = result.valid = 'unknown';
    result.error = 'no client operation completed or may have taken effect; nothing to check';
  }
  return result;
}

function anomalyOf(ks: KeySearch, r: { longestPrefix: number[]; failedOp: number; states: unknown[] }): Anomaly {
  const { part } = ks;
  const failure = { key: part.key, ops: part.ops, longestPrefix: r.longestPrefix, failedOp: r.failedOp, states: r.states };
  const failed = part.ops[r.failedOp]!;
  const anomaly: Anomaly = {
    type: 'nonlinearizable',
    ops: failed.complete >= 0 ? [failed.invoke, failed.complete] : [failed.invoke],
    explanation: explainFailure(ks.model, failure),
    text: renderFailure(ks.model, failure),
  };
  if (part.key !== undefined) anomaly.key = part.key;
  return anomaly;
}

function keysOf(part: Partition): (string | number | undefined)[] {
  return [...new Set(part.ops.map((o) => o.op.key))];
}

function unknown(error: string): CheckResult {
  return { checker: 'linearizable', valid: 'unknown', anomalyTypes: [], anomalies: [], error };
}
