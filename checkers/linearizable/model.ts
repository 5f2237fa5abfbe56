/**
 * What a linearizability model sees of one operation: the invocation's value, and the
 * completion's value when the op completed `ok`.
 */
export interface ModelOp {
  f: string;
  /** The invocation's value: what was asked (`write 3`, `cas [1 2]`, `read nil`). */
  value: unknown;
  /** The `ok` completion's value (what a read returned); `undefined` when the op crashed. */
  output: unknown;
  /** The outcome is unknown (`info`, or never completed): the op may have taken effect or not. */
  crashed: boolean;
  /** The independent key, when the history has them; per-key models can ignore it. */
  key?: string | number;
}

/**
 * A sequential specification as a record of pure functions (Porcupine's `Model`). Only
 * `name`, `fs`, `init` and `step` are required; {@link completeModel} fills in the rest.
 *
 * `step` must be pure and must not mutate `state`: the search keeps every state it has seen.
 */
export interface Model<S = unknown> {
  readonly name: string;
  /** One line for `--help`. */
  readonly description?: string;
  /** The `f`s this model understands; any other op is reported instead of guessed at. */
  readonly fs: readonly string[];
  init(): S;
  /**
   * The state after `op` takes effect in `state`, or `undefined` when the recorded outcome is
   * impossible there (a read that returned something else). For a crashed op, return the state
   * it leaves if it took effect; the checker also tries "it never took effect" on its own.
   */
  step(state: S, op: ModelOp): S | undefined;
  /** The op never changes the state (a read): crashed ones are dropped before the search. */
  readOnly?(op: ModelOp): boolean;
  /**
   * The op's `ok` outcome says nothing about the state it met (a blind write: `step` never
   * refuses it). A history of only such ops cannot fail, so its pass is vacuous. Default: never.
   */
  blind?(op: ModelOp): boolean;
  /** Structural equality of states. Default: equal canonical JSON. */
  equal?(a: S, b: S): boolean;
  /** A hash consistent with `equal`. Default: a hash of the canonical JSON. */
  hash?(state: S): number;
  /** How a state reads in a report. Default: JSON. */
  describeState?(state: S): string;
  /** How an op reads in a report, e.g. `write 3`, `read → 3`. */
  describeOp?(op: ModelOp): string;
}

/**
 * What is wrong with a value given as a model (a user's, from code that may not be typed), every
 * problem at once; empty when it is one.
 */
export function modelProblems(model: unknown): string[] {
  if (typeof model !== 'object' || model === null) return [`expected a model object or a model's name, got ${model === null ? 'null' : typeof model}`];
  const m = model as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof m.name !== 'string' || m.name === '') problems.push('"name" must be a non-empty string');
  if (!Array.isArray(m.fs) || m.fs.length === 0 || !m.fs.every((f) => typeof f === 'string')) problems.push('"fs" must be a non-empty array of the op names (f) it understands');
  for (const fn of ['init', 'step'] as const) if (typeof m[fn] !== 'function') problems.push(`"${fn}" must be a function`);
  for (const fn of ['readOnly', 'equal', 'hash', 'describeState', 'describeOp'] as const) {
    if (m[fn] !== undefined && typeof m[fn] !== 'function') problems.push(`"${fn}", when given, must be a function`);
  }
  return problems;
}

/** A model with every optional member filled in. */
export type CompleteModel<S = unknown> = Required<Model<S>>;

/** The defaults for a model's optional members, in one place. */
export function completeModel<S>(model: Model<S>): CompleteModel<S> {
  return {
    description: `${model.name} model`,
    readOnly: () => false,
    blind: () => false,
    equal: (a, b) => a === b || canonicalJson(a) === canonicalJson(b),
    hash: (s) => (typeof s === 'string' ? hashString(s) : hashString(canonicalJson(s))),
    describeState: (s) => describeValue(s),
    describeOp: defaultDescribeOp,
    ...model,
  };
}

function defaultDescribeOp(op: ModelOp): string {
  const asked = op.value === null || op.value === undefined ? '' : ` ${describeValue(op.value)}`;
  if (op.crashed) return `${op.f}${asked} (outcome unknown)`;
  const same = canonicalJson(op.output) === canonicalJson(op.value);
  return same || op.output === null || op.output === undefined ? `${op.f}${asked}` : `${op.f}${asked} → ${describeValue(op.output)}`;
}

/** Values as a person reads them: `nil` for null, JSON otherwise. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  return JSON.stringify(v) ?? String(v);
}

/** JSON with object keys sorted, so equal values have equal text. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Structural equality for op values (numbers, strings, arrays, plain objects). */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** FNV-1a over UTF-16 code units; 32 bits. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
