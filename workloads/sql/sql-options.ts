import type { TestSpec } from '../../harness/test-spec.ts';
import type { SessionOptions } from './sql-dialect.ts';

/** Options every SQL workload takes (`--option timeoutMs=…`). */
export interface SqlOptions {
  /** Client-side deadline of each statement; past it the connection is dropped. */
  timeoutMs: number;
  /** Server-side lock wait limit (PostgreSQL lock_timeout, InnoDB innodb_lock_wait_timeout, whole seconds). */
  lockTimeoutMs: number;
}

export const SQL_DEFAULTS: SqlOptions = { timeoutMs: 5_000, lockTimeoutMs: 3_000 };

export function sessionOptions(test: Pick<TestSpec, 'options' | 'isolation'>): SessionOptions {
  const o = { ...SQL_DEFAULTS, ...(test.options as Partial<SqlOptions>) };
  return { isolation: test.isolation, statementTimeoutMs: o.timeoutMs, lockTimeoutMs: o.lockTimeoutMs };
}

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/**
 * Problems with `options` for a SQL workload whose own options (and their defaults) are
 * `defaults`: unknown names, `fractions` outside [0, 1], other numbers that are not positive
 * integers (or non-negative, where the default is 0).
 */
export function sqlOptionProblems(workload: string, options: Record<string, unknown>, defaults: Record<string, unknown>, fractions: readonly string[] = []): string[] {
  const known = { ...SQL_DEFAULTS, ...defaults };
  const problems: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    if (!Object.hasOwn(known, k)) problems.push(`unknown option ${JSON.stringify(k)} for the ${workload} workload; known: ${Object.keys(known).join(', ')}`);
    else if (fractions.includes(k)) {
      if (!(typeof v === 'number' && v >= 0 && v <= 1)) problems.push(`${k} must be a number from 0 to 1 (got ${JSON.stringify(v)})`);
    } else if (known[k as keyof typeof known] === 0) {
      // Options whose default is 0 use 0 for "off" or "automatic".
      if (!(Number.isInteger(v) && (v as number) >= 0)) problems.push(`${k} must be a non-negative integer (got ${JSON.stringify(v)})`);
    } else if (typeof known[k as keyof typeof known] === 'number' && !positiveInt(v)) problems.push(`${k} must be a positive integer (got ${JSON.stringify(v)})`);
  }
  return problems;
}

/** The workload's own options over its defaults. */
export function workloadOptions<T extends object>(test: Pick<TestSpec, 'options'>, defaults: T): T {
  const out = { ...defaults };
  for (const k of Object.keys(defaults) as (keyof T)[]) if (Object.hasOwn(test.options, k)) out[k] = test.options[k as string] as T[keyof T];
  return out;
}
