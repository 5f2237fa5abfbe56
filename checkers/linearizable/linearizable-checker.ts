import { getHeapStatistics } from 'node:v8';
import type { History } from '../../harness/history/op.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import { unknown, anomalyTypesOf, type Anomaly, type CheckResult, type Validity } from '../../harness/result.ts';
import { explainFailure, renderFailure } from './explain.ts';
import { keyedModel, type KeyedState } from './keyed-model.ts';
import { completeModel, modelProblems, type CompleteModel, type Model } from './model.ts';
import { getModel, modelNames, models } from './models/index.ts';
import { splitHistory, type Partition } from './partition.ts';
import { LinearizationSearch } from './search.ts';

export interface LinearizableOptions extends CheckOptions {
  /** A registered model's name, or a model. Default `cas-register`. */
  model?: string | Model<never>;
  /** Check each independent key on its own (P-compositionality). Default true. */
  perKey?: boolean;
  /**
   * Memory the search may add (memo tables and model states, over all keys) before the verdict
   * turns unknown. Default 1 GiB, and never past 80% of the JS heap limit.
   */
  maxMemoryBytes?: number;
}

const DEFAULT_MAX_MEMORY_BYTES = 1024 * 1024 * 1024;
/** Steps each undecided key gets in the first round; doubled every round. */
const FIRST_ROUND_STEPS = 1 << 14;

interface KeySearch {
  part: Partition;
  model: CompleteModel<unknown>;
  /** The live search; dropped once decided, or between rounds when memory is short. */
  search?: LinearizationSearch<unknown>;
  /** With decomposition off: the per-key model and the keys in product order. */
  keyed?: { inner: CompleteModel<unknown>; keys: (string | number | undefined)[] };
}

/** Linearizability per key, by Wing & Gong's search with Lowe's memo. */
export const linearizableChecker: Checker = {
  name: 'linearizable',
  description: `linearizability against a model (--model ${modelNames().join('|')}), per independent key`,
  explanationKinds: ['linearizability'],
  meanings: { nonlinearizable: 'not linearizable: no order of the operations consistent with real time explains what clients saw' },
  check: (history, options) => checkLinearizable(history, options as LinearizableOptions),
  validateOptions(options) {
    const m = options.model;
    if (m === undefined) return undefined;
    if (typeof m === 'string') return getModel(m) ? undefined : models.unknown(m);
    const problems = modelProblems(m);
    return problems.length === 0 ? undefined : `the model is not one: ${problems.join('; ')}`;
  },
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
  if (!found) return unknown('linearizable', models.unknown(String(modelOption)));
  const model = completeModel(found);
  const perKey = options.perKey ?? true;
  const split = splitHistory(history, model, perKey);
  if (split.unknownOp) {
    const { index, f } = split.unknownOp;
    return unknown('linearizable', `op ${index} has f=${JSON.stringify(f)}, which the ${model.name} model does not know; expected one of ${model.fs.join(', ')}`);
  }
  if (split.opCount === 0) return unknown('linearizable', 'the history has no client operations');

  const deadline = start + (options.timeLimitMs ?? Infinity);
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const outOfMemory = memoryGuard(maxMemoryBytes);
  const anomalies: Anomaly[] = [];
  let pending: KeySearch[] = split.partitions.map((part) => {
    if (perKey) return { part, model };
    const keys = keysOf(part);
    return { part, model: keyedModel(model, keys) as CompleteModel<unknown>, keyed: { inner: model, keys } };
  });
  const stats = { configs: 0, steps: 0, states: 0, cacheBytes: 0 };
  const retire = (ks: KeySearch) => {
    const st = ks.search!.stats;
    stats.configs += st.configs;
    stats.steps += st.steps;
    stats.states += st.states;
    stats.cacheBytes = Math.max(stats.cacheBytes, st.cacheBytes);
    ks.search = undefined;
  };
  // Undecided searches keep their memo between rounds while it fits in this; past it they
  // start again next round (with the doubled budget, that costs at most twice the work).
  const parkBytes = maxMemoryBytes / 4;
  let stop: 'timeout' | 'out-of-memory' | 'failed' | undefined;
  let roundsAfterFailure = 0;
  for (let budget = FIRST_ROUND_STEPS; pending.length > 0 && !stop; budget *= 2) {
    const still: KeySearch[] = [];
    let parked = 0;
    for (const ks of pending) {
      if (stop) {
        still.push(ks);
        continue;
      }
      const resumed = ks.search !== undefined;
      ks.search ??= new LinearizationSearch(ks.part.ops, ks.model, maxMemoryBytes);
      const r = ks.search.run(resumed ? budget : budget * 2, { deadline, outOfMemory });
      if (r === undefined || r.kind === 'out-of-memory') {
        still.push(ks);
        if (r?.kind === 'out-of-memory') stop = 'out-of-memory';
        else if (performance.now() > deadline) stop = 'timeout';
        if (parked + ks.search.cacheBytes <= parkBytes) parked += ks.search.cacheBytes;
        else retire(ks);
        continue;
      }
      if (r.kind === 'nonlinearizable') anomalies.push(anomalyOf(ks, r));
      retire(ks);
    }
    if (!stop && outOfMemory()) stop = 'out-of-memory';
    // Two more rounds (4x the work) after a failure catch the other cheap failures.
    if (!stop && anomalies.length > 0 && still.length > 0 && ++roundsAfterFailure > 2) stop = 'failed';
    pending = still;
  }
  for (const ks of pending) if (ks.search) retire(ks);

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
          ? `the search outgrew its memory limit of ${Math.round(maxMemoryBytes / 2 ** 20)} MiB`
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
  const failed = part.ops[r.failedOp]!;
  let failure = { key: part.key, ops: part.ops, longestPrefix: r.longestPrefix, failedOp: r.failedOp, states: r.states };
  let model = ks.model;
  if (ks.keyed) {
    // Explain with the failing key's part of each product state.
    const i = ks.keyed.keys.indexOf(failed.op.key);
    failure = { ...failure, key: failed.op.key, states: r.states.map((s) => (s as KeyedState<unknown>).parts[i]) };
    model = ks.keyed.inner;
  }
  const anomaly: Anomaly = {
    type: 'nonlinearizable',
    ops: failed.complete >= 0 ? [failed.invoke, failed.complete] : [failed.invoke],
    explanation: explainFailure(model, failure),
    text: renderFailure(model, failure),
  };
  if (failure.key !== undefined) anomaly.key = failure.key;
  return anomaly;
}

/** True once the search has added more than `maxBytes` (JS heap and typed arrays) since now. */
function memoryGuard(maxBytes: number): () => boolean {
  const inUse = () => {
    const u = process.memoryUsage();
    return { heap: u.heapUsed, total: u.heapUsed + u.arrayBuffers };
  };
  const baseline = inUse().total;
  const heapCeiling = getHeapStatistics().heap_size_limit * 0.8;
  return () => {
    const now = inUse();
    return now.total - baseline > maxBytes || now.heap > heapCeiling;
  };
}

function keysOf(part: Partition): (string | number | undefined)[] {
  return [...new Set(part.ops.map((o) => o.op.key))];
}
