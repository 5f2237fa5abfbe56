/** Three-valued: `unknown` = the checker ran out of time or memory, or had nothing to check. */
export type Validity = true | false | 'unknown';

/**
 * One anomaly. `type` is a stable name (`G1c`, `G2-item`, `write-skew`, `lost-update`,
 * `nonlinearizable`, `wrong-total`…). `explanation` is structured data (for the HTML report);
 * `text` is the same explanation rendered for a person.
 */
export interface Anomaly {
  type: string;
  /** Independent key the anomaly is about, when there is one. */
  key?: string | number;
  /** Indices (in the history) of the ops involved. */
  ops?: number[];
  explanation?: unknown;
  text: string;
}

export interface CheckResult {
  /** The checker's registered name. */
  checker: string;
  valid: Validity;
  /** Sorted, distinct `anomalies[].type`. */
  anomalyTypes: string[];
  anomalies: Anomaly[];
  /** Consistency models the anomalies rule out (transactional checkers). */
  notModels?: string[];
  /** Why the verdict is `unknown`, or why the checker could not run. */
  error?: string;
  /**
   * Nothing in the history could have shown a violation (it is empty, only nemesis ops, every op
   * failed, nothing was read). `valid` is then the reference tool's answer for such a history
   * (see checkers/vacuous.ts) and `vacuousReason` says in a sentence why nothing was checked. The
   * gate (run, torture, JUnit) never counts a vacuous pass as a pass.
   */
  vacuous?: true;
  vacuousReason?: string;
  stats?: { checkMs?: number } & Record<string, unknown>;
  /** Things the user should know that do not change the verdict (an option the checker ignored). */
  warnings?: string[];
  /** Checker-specific detail (counts, per-key results…), kept as plain JSON. */
  details?: Record<string, unknown>;
}

/** The merged verdict of several checkers: false > unknown > true. */
export interface ComposedResult {
  valid: Validity;
  anomalyTypes: string[];
  checkers: Record<string, CheckResult>;
}

/** The one word for a verdict wherever it is shown; `not checked` when there is none (a run that died before its checks). */
export type VerdictWord = 'valid' | 'invalid' | 'unknown' | 'not checked';

export function verdictWord(valid: Validity | undefined): VerdictWord {
  return valid === true ? 'valid' : valid === false ? 'invalid' : valid === 'unknown' ? 'unknown' : 'not checked';
}

/**
 * A checker's answer when it could not decide (STYLE.md #4): `valid: 'unknown'` and why, never a
 * pass. `extra` adds what it did find (details, stats, anomalies found before it gave up).
 */
export function unknown(checker: string, error: string, extra: Partial<Omit<CheckResult, 'checker' | 'valid' | 'error'>> = {}): CheckResult {
  return { checker, valid: 'unknown', anomalyTypes: [], anomalies: [], ...extra, error };
}

export function mergeValidity(a: Validity, b: Validity): Validity {
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

export function compose(results: readonly CheckResult[]): ComposedResult {
  let valid: Validity = true;
  const types = new Set<string>();
  const checkers: Record<string, CheckResult> = {};
  for (const r of results) {
    valid = mergeValidity(valid, r.valid);
    for (const t of r.anomalyTypes) types.add(t);
    checkers[r.checker] = r;
  }
  // Nothing checked is not a pass.
  if (results.length === 0) valid = 'unknown';
  return { valid, anomalyTypes: [...types].sort(), checkers };
}

export function anomalyTypesOf(anomalies: readonly Anomaly[]): string[] {
  return [...new Set(anomalies.map((a) => a.type))].sort();
}
