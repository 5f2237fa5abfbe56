import type { Op } from '../harness/history/op.ts';

/** Short text for a value: Elle micro-op lists as `append x 3; r y [1 2]`, anything else as JSON. */
export function formatValue(value: unknown, max = 80): string {
  return truncate(isMicroOps(value) ? value.map(formatMicroOp).join('; ') : compactJson(value), max);
}

function isMicroOps(value: unknown): value is [string, unknown, unknown][] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((m) => Array.isArray(m) && m.length === 3 && (m[0] === 'append' || m[0] === 'r' || m[0] === 'w'))
  );
}

function formatMicroOp([fn, key, val]: [string, unknown, unknown]): string {
  return `${fn} ${typeof key === 'string' ? key : compactJson(key)} ${compactJson(val)}`;
}

/** The micro-ops of a transaction, one per line; other values as one line. */
export function formatValueLines(value: unknown, maxLine = 40): string[] {
  if (isMicroOps(value)) return value.map((m) => truncate(formatMicroOp(m), maxLine));
  return [formatValue(value, maxLine)];
}

/** JSON with Clojure-ish lists (`[1 2 3]`), which is how Elle and Jepsen users read values. */
export function compactJson(value: unknown): string {
  if (value === undefined || value === null) return 'nil';
  if (Array.isArray(value)) return `[${value.map(compactJson).join(' ')}]`;
  return JSON.stringify(value) ?? String(value);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** A key as people write it: strings bare, anything else as compact JSON. */
export function formatKey(key: unknown): string {
  return typeof key === 'string' ? key : compactJson(key);
}

/**
 * What one op did, for a person: `read → 3`, `write 4`, `k7 cas [1 2]`, and for a transaction
 * just its micro-ops (`r x [1]; append y 2`). The key is left out where the reader knows it.
 */
export function describeOp(invoke: Op, completion: Op | undefined, max = 80, { withKey = true } = {}): string {
  const key = invoke.key === undefined || !withKey ? '' : `${formatKey(invoke.key)} `;
  const shown = completion?.type === 'ok' && completion.value !== null && !sameJson(completion.value, invoke.value) ? completion.value : invoke.value;
  if (isMicroOps(shown)) return truncate(`${key}${formatValue(shown, max)}`, max);
  const arrow = shown !== invoke.value && invoke.value === null ? ' → ' : ' ';
  return truncate(`${key}${invoke.f}${arrow}${formatValue(shown, max)}`, max);
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Milliseconds for a person: `0.42 ms`, `12.3 ms`, `1.25 s`, `2 min 05 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A history time (ns since the test started) as seconds: `12.345 s`. */
export function formatTestTime(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 anomaly`, `3 anomalies`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
