/**
 * How deep an op's value may nest (the op itself is level 1). Real histories nest a handful of
 * levels (a transaction's micro-ops, a nemesis op's `{node #{nodes}}`); everything that later
 * walks a value — JSON.stringify, the report's previews, checkers comparing values — recurses,
 * and the report's renderer overflows Node's stack between 1,000 and 1,400 levels. Deeper input
 * is refused at the reader with a clear message instead of crashing later.
 */
export const MAX_NESTING = 100;

/** The refusal, worded alike in every format. */
export const TOO_DEEP = `values nested more than ${MAX_NESTING} levels deep`;

/** True if `value` nests deeper than `limit` levels (arrays and objects count). Stops early. */
export function nestsDeeperThan(value: unknown, limit = MAX_NESTING): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const v of value) if (nestsDeeperThan(v, limit - 1)) return true;
  } else {
    for (const k in value) if (nestsDeeperThan((value as Record<string, unknown>)[k], limit - 1)) return true;
  }
  return false;
}
