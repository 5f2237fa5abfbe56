import { brief, LIST_ENDS, type BriefStyle } from '../harness/abbreviate.ts';
import type { Op } from '../harness/history/op.ts';

/** How the report writes values: Clojure-ish lists (`[1 2 3]`) and `nil`, as Elle and Jepsen users read them. */
const REPORT_STYLE: BriefStyle = { sep: ' ', nil: 'nil' };

/**
 * Short text for a value: Elle micro-op lists as `append x 3; r y [1 2]`, anything else as
 * compact JSON; long lists keep their first and last few elements (`[103 100 107 …232 more… 813
 * 814 819]`), and what is still longer than `max` is cut.
 */
export function formatValue(value: unknown, max = 80): string {
  return truncate(isMicroOps(value) ? value.map((m) => formatMicroOp(m)).join('; ') : briefValue(value), max);
}

function isMicroOps(value: unknown): value is [string, unknown, unknown][] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((m) => Array.isArray(m) && m.length === 3 && (m[0] === 'append' || m[0] === 'r' || m[0] === 'w'))
  );
}

/** A value in the report's style, long lists and strings abbreviated, `ends` elements kept at each end. */
export function briefValue(value: unknown, ends = LIST_ENDS, limit?: number): string {
  return brief(value, { style: REPORT_STYLE, ends, limit });
}

function formatMicroOp([fn, key, val]: [string, unknown, unknown], ends = LIST_ENDS, limit?: number): string {
  return `${fn} ${typeof key === 'string' ? key : compactJson(key)} ${briefValue(val, ends, limit)}`;
}

/** A micro-op in at most `max` characters: as few list elements kept at each end as it takes, then cut. */
function fitMicroOp(m: [string, unknown, unknown], max: number): string {
  for (let ends = LIST_ENDS; ends > 1; ends--) {
    const text = formatMicroOp(m, ends);
    if (text.length <= max) return text;
  }
  return truncate(formatMicroOp(m, 1), max);
}

/** The micro-ops of a transaction, one per line, each fitted to `maxLine`; other values as one line. */
export function formatValueLines(value: unknown, maxLine = 40): string[] {
  if (isMicroOps(value)) return value.map((m) => fitMicroOp(m, maxLine));
  return [formatValue(value, maxLine)];
}

/**
 * A value for a hover: micro-ops one per line, lists of up to 40 elements whole and longer ones
 * as their first and last 15.
 */
export function formatValueForTip(value: unknown): string[] {
  if (isMicroOps(value)) return value.map((m) => formatMicroOp(m, 15, 40));
  return [briefValue(value, 15, 40)];
}

/** A value in full, micro-ops one per line: what "full value" expands to. */
export function formatValueFull(value: unknown): string[] {
  if (isMicroOps(value)) return value.map(([fn, key, val]) => `${fn} ${typeof key === 'string' ? key : compactJson(key)} ${compactJson(val)}`);
  return [compactJson(value)];
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
