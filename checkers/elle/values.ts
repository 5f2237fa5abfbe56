import { brief } from '../../harness/abbreviate.ts';

/**
 * Values from histories are JSON. Primitives compare and hash as themselves; objects and
 * arrays by their JSON text (marked so they never collide with an equal string).
 */
export function vkey(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? `\u0000${JSON.stringify(v)}` : v;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && vkey(a) === vkey(b));
}

/** Is `a` a prefix of `b`? */
export function isPrefix(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

export function listEqual(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && isPrefix(a, b);
}

/**
 * A value as it appears in explanation text: JSON, long lists and strings abbreviated around
 * the `focus` indices (see abbreviate.ts); keys print bare.
 */
export function show(v: unknown, focus?: readonly number[]): string {
  return brief(v, focus ? { focus } : {});
}

export function showKey(k: unknown): string {
  return typeof k === 'string' || typeof k === 'number' ? String(k) : show(k);
}

/** Elements occurring more than once in `list`, with their counts. */
export function duplicates(list: readonly unknown[]): { element: unknown; count: number }[] {
  const counts = new Map<unknown, { element: unknown; count: number }>();
  for (const e of list) {
    const k = vkey(e);
    const c = counts.get(k);
    if (c) c.count++;
    else counts.set(k, { element: e, count: 1 });
  }
  return [...counts.values()].filter((c) => c.count > 1);
}

/** Where the elements of `of` occur in `list`: the positions an abbreviated text must keep visible. */
export function occurrences(list: readonly unknown[], of: readonly { element: unknown }[]): number[] {
  const wanted = new Set(of.map((d) => vkey(d.element)));
  const at: number[] = [];
  for (let i = 0; i < list.length; i++) if (wanted.has(vkey(list[i]))) at.push(i);
  return at;
}
