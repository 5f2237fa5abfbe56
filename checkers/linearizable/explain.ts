import { briefText } from '../../harness/abbreviate.ts';
import type { LinearizabilityExplanation } from '../explanations.ts';
import type { CompleteModel } from './model.ts';
import type { LinOp } from './partition.ts';

export interface Failure<S> {
  key: string | number | undefined;
  ops: readonly LinOp[];
  longestPrefix: readonly number[];
  failedOp: number;
  states: readonly S[];
  /** False when the search that proved the failure kept no path to it (then `longestPrefix` is empty). */
  prefixFound?: boolean;
}

/** The failure as data for the report (history indices, described states). */
export function explainFailure<S>(model: CompleteModel<S>, f: Failure<S>): LinearizabilityExplanation {
  const failed = f.ops[f.failedOp]!;
  const e: LinearizabilityExplanation = {
    kind: 'linearizability',
    model: model.name,
    ops: f.ops.map((o) => o.invoke),
    longestPrefix: f.longestPrefix.map((i) => f.ops[i]!.invoke),
    failedOp: failed.invoke,
    states: f.states.map((s) => model.describeState(s)),
    failedOpText: model.describeOp(failed.op),
    failedCompletion: failed.complete,
  };
  const prefixStates = statesAlong(model, f);
  if (prefixStates) e.prefixStates = prefixStates;
  if (f.prefixFound === false) e.prefixUnknown = true;
  if (f.key !== undefined) e.key = f.key;
  return e;
}

/**
 * The model state after each op of the longest prefix, for the report's hover. The prefix is a
 * legal linearization, so every step succeeds; if one does not, no states are claimed at all.
 */
function statesAlong<S>(model: CompleteModel<S>, f: Failure<S>): string[] | undefined {
  let state = model.init();
  const out: string[] = [];
  for (const i of f.longestPrefix) {
    const next = model.step(state, f.ops[i]!.op);
    if (next === undefined) return undefined;
    state = next;
    out.push(model.describeState(state));
  }
  return out;
}

/** The same failure as one paragraph a person can act on. */
export function renderFailure<S>(model: CompleteModel<S>, f: Failure<S>): string {
  const failed = f.ops[f.failedOp]!;
  const where = f.key === undefined ? '' : ` on key ${JSON.stringify(f.key)}`;
  const head = `${describe(model, failed)}${where} cannot be linearized.`;
  const completed = f.ops.filter((o) => o.complete >= 0).length;
  const prefixCompleted = f.longestPrefix.filter((i) => f.ops[i]!.complete >= 0).length;
  let prefix: string;
  if (f.prefixFound === false) {
    prefix = `Every order of the ops before it fails (the search that proved it keeps no paths, so no prefix is shown)`;
  } else if (f.longestPrefix.length === 0) {
    prefix = `No op${where} can be linearized before it returned`;
  } else {
    const last = f.ops[f.longestPrefix[f.longestPrefix.length - 1]!]!;
    const lastWhere = last.op.key !== undefined && last.op.key !== f.key ? ` on key ${JSON.stringify(last.op.key)}` : '';
    prefix =
      `The longest linearizable prefix found orders ${f.longestPrefix.length} op${f.longestPrefix.length === 1 ? '' : 's'} ` +
      `(${prefixCompleted} of the ${completed} that completed) and ends with ${describe(model, last)}${lastWhere}`;
  }
  const states = [...new Set(f.states.map((s) => model.describeState(s)))];
  let stateText = '';
  if (states.length > 0) {
    const impossible = f.states.every((s) => model.step(s, failed.op) === undefined);
    const them = states.length === 1 ? 'that state' : 'any of those states';
    const why = impossible ? `${briefText(model.describeOp(failed.op), DESCRIPTION_CHARS)} is impossible from ${them}` : `no order of the ops still pending works from ${them}`;
    stateText = `; just before it returned, the ${model.name} could be ${statesList(states)}, and ${why}`;
  }
  return `${head} ${prefix}${stateText}.`;
}

/** Op and state descriptions longer than this have their middle left out (kv strings grow with every append). */
const DESCRIPTION_CHARS = 100;
/** States named in the paragraph; the explanation data has them all. */
const STATES_NAMED = 4;

function describe<S>(model: CompleteModel<S>, o: LinOp): string {
  const span = o.complete >= 0 ? `ops ${o.invoke}–${o.complete}` : `op ${o.invoke}, never completed`;
  return `${briefText(model.describeOp(o.op), DESCRIPTION_CHARS)} by process ${o.process} (${span})`;
}

function statesList(states: readonly string[]): string {
  const shown = [...new Set(states.slice(0, STATES_NAMED).map((s) => briefText(s, DESCRIPTION_CHARS)))];
  if (states.length <= STATES_NAMED && shown.length === states.length) return orList(shown);
  return `any of ${states.length} states, among them ${shown.slice(0, -1).join(', ')}${shown.length > 1 ? ' and ' : ''}${shown[shown.length - 1]}`;
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
