import type { TestSpec } from '../../harness/test-spec.ts';

/** The register workload's options (`test.options`), with their defaults. */
export interface RegisterOptions {
  /** Ops on one key before it retires and a fresh key starts (keeps per-key histories small). */
  opsPerKey: number;
  /** Threads that work on one key at once (capped by the concurrency). */
  threadsPerKey: number;
  /** Values written are integers 0…valueRange-1: a small range makes cas succeed often. */
  valueRange: number;
  /** `linearizable` (quorum) reads, or `serializable` (member-local, possibly stale) reads. */
  readConsistency: 'linearizable' | 'serializable';
  /** Per-request deadline in ms; past it a write is `info`, a read `fail`. */
  timeoutMs: number;
}

export const REGISTER_DEFAULTS: RegisterOptions = {
  opsPerKey: 200,
  threadsPerKey: 5,
  valueRange: 5,
  readConsistency: 'linearizable',
  timeoutMs: 5_000,
};

export function registerOptions(test: Pick<TestSpec, 'options' | 'concurrency'>): RegisterOptions {
  const o = { ...REGISTER_DEFAULTS, ...(test.options as Partial<RegisterOptions>) };
  return { ...o, threadsPerKey: Math.min(o.threadsPerKey, test.concurrency) };
}

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

export function registerOptionProblems(options: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    switch (k) {
      case 'opsPerKey':
      case 'threadsPerKey':
      case 'valueRange':
      case 'timeoutMs':
        if (!positiveInt(v)) problems.push(`${k} must be a positive integer (got ${JSON.stringify(v)})`);
        break;
      case 'readConsistency':
        if (v !== 'linearizable' && v !== 'serializable') problems.push(`readConsistency must be "linearizable" or "serializable" (got ${JSON.stringify(v)})`);
        break;
      default:
        problems.push(`unknown option ${JSON.stringify(k)} for the register workload; known: ${Object.keys(REGISTER_DEFAULTS).join(', ')}`);
    }
  }
  return problems;
}
