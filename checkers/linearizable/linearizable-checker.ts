import { getHeapStatistics } from 'node:v8';
import { InputError } from '../../harness/errors.ts';
import type { History } from '../../harness/history/op.ts';
import type { CheckOptions, Checker } from '../checker.ts';
import { unknown, anomalyTypesOf, type Anomaly, type CheckResult, type Validity } from '../../harness/result.ts';
import { Pacer, paced, unpaced, type PacedWork } from '../pacer.ts';
import { explainFailure, renderFailure, type Failure } from './explain.ts';
import { KeySearch, type KeyVerdict } from './key-search.ts';
import { keyedModel, type KeyedState } from './keyed-model.ts';
import { completeModel, modelProblems, type CompleteModel, type Model } from './model.ts';
import { getModel, modelNames, models } from './models/index.ts';
import { splitHistory, type Partition, type SplitHistory } from './partition.ts';
import { vacuousResult } from '../vacuous.ts';

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
  /** Stops the search (Ctrl-C): the result says what was decided so far. */
  signal?: AbortSignal;
}

const DEFAULT_MAX_MEMORY_BYTES = 1024 * 1024 * 1024;
/**
 * Five minutes, unless the caller says otherwise (`timeLimitMs`; Infinity for none). The hardest
 * histories this checker decides — 10,000 ops on one key with 50 clients always in flight —
 * take under a minute on a 2-core machine (bench:dense), and the whole Porcupine corpus or a
 * 1M-op history a second or two; past five minutes a search has met the exponential core of
 * the problem, and a CI job is better told "unknown" than left hanging.
 */
export const DEFAULT_TIME_LIMIT_MS = 5 * 60 * 1000;
/** Steps each undecided key gets in the first round; doubled every round. */
const FIRST_ROUND_STEPS = 1 << 14;

type Stop = 'timeout' | 'out-of-memory' | 'failed' | 'interrupted';

/** Linearizability per key, by Wing & Gong's search with Lowe's memo. */
export const linearizableChecker: Checker = {
  name: 'linearizable',
  options: ['model', 'perKey', 'maxMemoryBytes'],
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
 *
 * The search yields to the event loop every few tens of milliseconds, so `options.signal` can
 * stop it (Ctrl-C): the result then says what was decided — anomalies found so far, the keys
 * left undecided — and is `unknown` unless an anomaly was found.
 */
export function checkLinearizable(history: History, options: LinearizableOptions = {}): Promise<CheckResult> {
  return paced(linearizableWork(history, options));
}

/** {@link checkLinearizable} without yielding to the event loop (tests, fixtures): it cannot be interrupted. */
export function checkLinearizableSync(history: History, options: LinearizableOptions = {}): CheckResult {
  return unpaced(linearizableWork(history, options));
}

function* linearizableWork(history: History, options: LinearizableOptions): PacedWork<CheckResult> {
  const start = performance.now();
  const modelOption = options.model ?? 'cas-register';
  const found = typeof modelOption === 'string' ? getModel(modelOption) : (modelOption as Model<unknown>);
  if (!found) return unknown('linearizable', models.unknown(String(modelOption)));
  const model = completeModel(found);
  const perKey = options.perKey ?? true;
  const split = splitHistory(history, model, perKey);
  if (split.unknownOp) {
    const { index, f } = split.unknownOp;
    // A history of another shape (queue ops against a register) is the user's mistake: exit 254.
    throw new InputError(`op ${index} has f=${JSON.stringify(f)}, which the ${model.name} model does not know; expected one of ${model.fs.join(', ')} (is this a history for another model or checker?)`);
  }
  const nothing = nothingObserved(split, model);
  if (nothing) return vacuousResult('linearizable', true, nothing, { details: { model: model.name, perKey, ops: split.opCount, keys: split.partitions.length } });

  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const deadline = start + timeLimitMs;
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const outOfMemory = memoryGuard(maxMemoryBytes);
  const pacer = new Pacer(options.signal);
  const anomalies: Anomaly[] = [];
  let pending: KeySearch[] = split.partitions.map((part) => {
    if (perKey) return new KeySearch(part, model, maxMemoryBytes);
    return new KeySearch(part, keyedModel(model, keysOf(part)) as CompleteModel<unknown>, maxMemoryBytes);
  });
  const stats = { configs: 0, steps: 0, states: 0, cacheBytes: 0 };
  const retire = (ks: KeySearch) => {
    const st = ks.stats;
    stats.configs += st.configs;
    stats.steps += st.steps;
    stats.states += st.states;
    stats.cacheBytes = Math.max(stats.cacheBytes, st.cacheBytes);
  };
  // Undecided searches keep their memo between rounds while it fits in this; past it they
  // start again next round (with the doubled budget, that costs at most twice the work).
  const parkBytes = maxMemoryBytes / 4;
  let stop: Stop | undefined;
  let roundsAfterFailure = 0;
  for (let budget = FIRST_ROUND_STEPS; pending.length > 0 && !stop; budget *= 2) {
    const still: KeySearch[] = [];
    let parked = 0;
    for (const ks of pending) {
      if (!stop) stop = yield* searchRound(ks, budget, { deadline, outOfMemory }, pacer);
      if (ks.verdict) {
        if (ks.verdict.kind === 'nonlinearizable') anomalies.push(anomalyOf(ks, ks.verdict, perKey ? undefined : model));
        ks.release();
        retire(ks);
        continue;
      }
      still.push(ks);
      if (parked + ks.bytes <= parkBytes) parked += ks.bytes;
      else ks.drop();
    }
    if (!stop && outOfMemory()) stop = 'out-of-memory';
    // Two more rounds (4x the work) after a failure catch the other cheap failures.
    if (!stop && anomalies.length > 0 && still.length > 0 && ++roundsAfterFailure > 2) stop = 'failed';
    pending = still;
  }
  for (const ks of pending) retire(ks);

  const valid: Validity = anomalies.length > 0 ? false : pending.length > 0 ? 'unknown' : true;
  const result: CheckResult = {
    checker: 'linearizable',
    valid,
    anomalyTypes: anomalyTypesOf(anomalies),
    anomalies,
    stats: { checkMs: performance.now() - start, keys: split.partitions.length, ...stats },
    details: { model: model.name, perKey, ops: split.opCount, keys: split.partitions.length, timeLimitMs, maxMemoryBytes },
  };
  if (pending.length > 0) {
    const where = pending.length === 1 && pending[0]!.part.key === undefined ? 'the history' : `${pending.length} key${pending.length === 1 ? '' : 's'} (${pending.map((p) => JSON.stringify(p.part.key)).slice(0, 5).join(', ')}${pending.length > 5 ? ', …' : ''})`;
    const total = split.partitions.length;
    const decided = total > 1 ? `; ${total - pending.length} of ${total} keys were decided${anomalies.length > 0 ? `, ${anomalies.length} not linearizable` : ''}` : '';
    result.error = `${stopReason(stop, timeLimitMs, options.timeLimitMs === undefined, maxMemoryBytes)} before deciding ${where}${decided}`;
    result.details!.undecidedKeys = pending.map((p) => p.part.key ?? null);
  }
  return result;
}

/** One round of one key's search, in time slices that let the event loop (and Ctrl-C) in. */
function* searchRound(ks: KeySearch, budget: number, limits: { deadline: number; outOfMemory: () => boolean }, pacer: Pacer): PacedWork<Stop | undefined> {
  ks.beginRound(budget);
  for (;;) {
    if (pacer.aborted) return 'interrupted';
    ks.advance({ deadline: Math.min(limits.deadline, pacer.until), outOfMemory: limits.outOfMemory });
    if (ks.outOfMemory) return 'out-of-memory';
    if (ks.roundOver) return undefined;
    if (performance.now() > limits.deadline) return 'timeout';
    if (pacer.due) {
      yield;
      pacer.restart();
    }
  }
}

function stopReason(stop: Stop | undefined, timeLimitMs: number, defaultLimit: boolean, maxMemoryBytes: number): string {
  switch (stop) {
    case 'timeout':
      return `the time limit of ${formatMs(timeLimitMs)}${defaultLimit ? ' (the default; set another with timeLimitMs, --time-limit in the CLI)' : ''} ran out`;
    case 'out-of-memory':
      return `the search outgrew its memory limit of ${Math.round(maxMemoryBytes / 2 ** 20)} MiB`;
    case 'interrupted':
      return 'the check was interrupted';
    default:
      return 'another key already failed, so the search stopped';
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)} s` : `${ms} ms`;
}

function anomalyOf(ks: KeySearch, r: KeyVerdict & { kind: 'nonlinearizable' }, keyedInner: CompleteModel<unknown> | undefined): Anomaly {
  const { part } = ks;
  const failed = part.ops[r.failedOp]!;
  let failure: Failure<unknown> = { key: part.key, ops: part.ops, longestPrefix: r.longestPrefix, failedOp: r.failedOp, states: r.states, prefixFound: r.prefixFound ?? true };
  let model = ks.model;
  if (keyedInner) {
    // Explain with the failing key's part of each product state.
    const i = keysOf(part).indexOf(failed.op.key);
    failure = { ...failure, key: failed.op.key, states: r.states.map((s) => (s as KeyedState<unknown>).parts[i]) };
    model = keyedInner;
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

/**
 * Why the history is linearizable whatever the model (Knossos and Porcupine say valid, and so do
 * we, flagged vacuous): no client op, none that completed ok (a crashed op may be left out of
 * the linearization), or only blind ones (writes) that no state refuses.
 */
function nothingObserved(split: SplitHistory, model: CompleteModel<unknown>): string | undefined {
  if (split.opCount === 0) return 'the history has no client operations';
  let ok = 0;
  for (const part of split.partitions) {
    for (const o of part.ops) {
      if (o.op.crashed) continue;
      ok++;
      if (!model.blind(o.op)) return undefined;
    }
  }
  if (ok === 0) return `none of the ${split.opCount} client operations completed ok (each failed or its outcome is unknown), so no order of them can be refused`;
  return `no operation observed the state (the ${ok} ok operation${ok === 1 ? ' is a blind update' : 's are blind updates'} such as writes, and no read succeeded), so no order of them can be refused`;
}

function keysOf(part: Partition): (string | number | undefined)[] {
  return [...new Set(part.ops.map((o) => o.op.key))];
}
