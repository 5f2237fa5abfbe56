import { preview } from '../abbreviate.ts';
import type { Completion } from '../client.ts';
import type { Op } from '../history/op.ts';


/**
 * User code (a client or a nemesis) broke its contract: the message lists every problem at once,
 * names the op, and says what was expected (STYLE.md #3).
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

const COMPLETION_KEYS = new Set(['type', 'value', 'error', 'node']);

/**
 * Checks what a client's `invoke` resolved to. Returns the problems found (empty when fine):
 * the completion must be an object; `type` one of ok, fail, info; `value` present for `ok`
 * (null for none) and JSON-serialisable; `error` a string; nothing else (a client cannot change
 * the op's f, key or process).
 */
export function completionProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [`invoke must resolve to a completion object like { type: 'ok', value }, got ${preview(raw, 80)}`];
  }
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (c.type !== 'ok' && c.type !== 'fail' && c.type !== 'info') {
    problems.push(`type must be 'ok', 'fail' or 'info' (got ${preview(c.type, 80)})${c.type === 'invoke' ? ': a completion cannot be an invoke' : ''}`);
  }
  if (c.type === 'ok' && !('value' in c)) problems.push("an 'ok' completion must carry a value (use null for none)");
  if ('value' in c) {
    const why = unserialisable(c.value);
    if (why) problems.push(`value must be JSON (${why})`);
  }
  if (c.error !== undefined && typeof c.error !== 'string') problems.push(`error must be a string (got ${preview(c.error, 80)})`);
  if (c.node !== undefined && typeof c.node !== 'string') problems.push(`node must be a string (got ${preview(c.node, 80)})`);
  for (const k of Object.keys(c)) {
    if (!COMPLETION_KEYS.has(k)) {
      const hint = k === 'f' || k === 'key' || k === 'process' ? ' (a completion cannot change what was invoked)' : '';
      problems.push(`unexpected field ${JSON.stringify(k)}${hint}; a completion has only type, value, error and node`);
    }
  }
  return problems;
}

/** The completion as the scheduler records it, or a {@link ContractError} naming every problem. */
export function checkCompletion(raw: unknown, op: Op, who: string): Completion {
  const problems = completionProblems(raw);
  if (problems.length > 0) {
    throw new ContractError(`${who} returned a bad completion for op ${op.index} (${describe(op)}): ${problems.join('; ')}`);
  }
  const c = raw as Completion;
  const out: Completion = { type: c.type };
  if ('value' in c) out.value = c.value === undefined ? null : c.value;
  if (c.error !== undefined) out.error = c.error;
  if (c.node !== undefined) out.node = c.node;
  return out;
}

export function describe(op: Pick<Op, 'f' | 'value' | 'key' | 'process'>): string {
  const key = op.key === undefined ? '' : ` on key ${JSON.stringify(op.key)}`;
  return `process ${op.process} ${op.f} ${preview(op.value, 80)}${key}`;
}


/** Why a value cannot round-trip through JSON, or undefined when it can. Cheap for small values. */
function unserialisable(v: unknown, depth = 0): string | undefined {
  if (depth > 64) return 'nested too deeply';
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(v) ? undefined : `${v} is not a JSON number`;
    case 'bigint':
      return `${v}n is a bigint; use a number or a string`;
    case 'function':
    case 'symbol':
      return `a ${typeof v} is not JSON`;
    case 'undefined':
      return depth === 0 ? undefined : 'undefined inside a value is not JSON; use null';
    case 'object': {
      if (v === null) return undefined;
      if (Array.isArray(v)) {
        for (const x of v) {
          const why = unserialisable(x, depth + 1);
          if (why) return why;
        }
        return undefined;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return `a ${proto?.constructor?.name ?? 'class instance'} is not plain JSON`;
      for (const x of Object.values(v as object)) {
        const why = unserialisable(x, depth + 1);
        if (why) return why;
      }
      return undefined;
    }
  }
  return undefined;
}
