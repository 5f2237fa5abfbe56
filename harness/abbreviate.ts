/**
 * Abbreviation of long values for text a person reads: explanations, report labels. A read of
 * 300 elements shows as `[103,106,107,…294 more…,843,847]`: its first and last few elements, the
 * count of those left out, and any elements the explanation is about. Values up to
 * {@link LIST_LIMIT} elements (strings up to {@link STRING_LIMIT} characters) print whole, so
 * short explanations read exactly as before. The structured explanation data keeps every value
 * complete; only the text is abbreviated.
 */

/** Lists (and objects) with more elements than this are abbreviated. */
export const LIST_LIMIT = 10;
/** Elements kept at each end of an abbreviated list. */
export const LIST_ENDS = 3;
/** Strings longer than this are abbreviated. */
export const STRING_LIMIT = 48;
const STRING_HEAD = 24;
const STRING_TAIL = 16;
/** At most this many focus points get their own window into a list. */
const MAX_FOCUS = 8;

/** Part of a list as shown: elements `from` (inclusive) to `to` (exclusive), or a gap of `skipped` elements. */
export type Run = { from: number; to: number } | { skipped: number };

export interface KeepOptions {
  /** Indices that must stay visible (the element an edge or an anomaly is about). */
  focus?: readonly number[];
  /** Neighbours kept on each side of a focus index. Default 1. */
  context?: number;
  /** Elements kept at each end. Default {@link LIST_ENDS}. */
  ends?: number;
  /** Lists this long or shorter are kept whole. Default {@link LIST_LIMIT}. */
  limit?: number;
}

/**
 * Which elements of a list of `length` to show. A gap shorter than three elements is shown
 * instead: its marker would be longer than the elements it hides.
 */
export function keptRuns(length: number, { focus = [], context = 1, ends = LIST_ENDS, limit = LIST_LIMIT }: KeepOptions = {}): Run[] {
  if (length <= limit) return length === 0 ? [] : [{ from: 0, to: length }];
  const spans: [number, number][] = [
    [0, Math.min(ends, length)],
    [Math.max(0, length - ends), length],
  ];
  for (const i of [...new Set(focus)].filter((i) => Number.isInteger(i) && i >= 0 && i < length).slice(0, MAX_FOCUS)) {
    spans.push([Math.max(0, i - context), Math.min(length, i + context + 1)]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const runs: Run[] = [];
  let from = spans[0]![0];
  let to = spans[0]![1];
  const flush = (next: number) => {
    runs.push({ from, to });
    if (next > to) runs.push({ skipped: next - to });
  };
  for (const [a, b] of spans.slice(1)) {
    if (a - to < 3) {
      to = Math.max(to, b);
      continue;
    }
    flush(a);
    [from, to] = [a, b];
  }
  flush(to);
  return runs;
}

/** How a brief value is written: JSON for explanation text, or Clojure-ish for the report. */
export interface BriefStyle {
  /** Between list elements: `,` for JSON, ` ` for `[1 2 3]`. */
  sep: string;
  /** How null (and a missing value) reads: `null` or `nil`. */
  nil: string;
}

export const JSON_STYLE: BriefStyle = { sep: ',', nil: 'null' };

export interface BriefOptions extends KeepOptions {
  style?: BriefStyle;
}

/**
 * A value as text with long lists, objects and strings abbreviated (see the module comment).
 * With the default JSON style, a value that needs no abbreviation reads exactly as
 * `JSON.stringify` writes it. `focus` applies to the top-level list only.
 */
export function brief(value: unknown, options: BriefOptions = {}): string {
  const style = options.style ?? JSON_STYLE;
  const nested: BriefOptions = { style, ends: options.ends, limit: options.limit };
  if (value === null) return style.nil;
  if (value === undefined) return style === JSON_STYLE ? 'undefined' : style.nil;
  if (typeof value === 'string') return briefString(value);
  if (Array.isArray(value)) {
    const parts = keptRuns(value.length, options).map((run) =>
      'skipped' in run ? `…${run.skipped} more…` : value.slice(run.from, run.to).map((e) => (e === undefined ? style.nil : brief(e, nested))).join(style.sep),
    );
    return `[${parts.join(style.sep)}]`;
  }
  if (typeof value === 'object') {
    // Objects are JSON inside, in either style (as the report has always written them).
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
    const parts = keptRuns(entries.length, { ends: options.ends, limit: options.limit }).map((run) =>
      'skipped' in run
        ? `…${run.skipped} more keys…`
        : entries
            .slice(run.from, run.to)
            .map(([k, v]) => `${JSON.stringify(k)}:${brief(v, { ...nested, style: JSON_STYLE })}`)
            .join(','),
    );
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** A string as JSON, its middle left out when long: `"x 0 2 yx 11 1 yx 47 0 y…132 more chars…yx 46 6 yx 12 9 y"`. */
function briefString(s: string): string {
  if (s.length <= STRING_LIMIT) return JSON.stringify(s);
  const head = s.slice(0, cutBefore(s, STRING_HEAD));
  const tail = s.slice(cutBefore(s, s.length - STRING_TAIL));
  const quotedHead = JSON.stringify(head);
  const quotedTail = JSON.stringify(tail);
  return `${quotedHead.slice(0, -1)}…${s.length - head.length - tail.length} more chars…${quotedTail.slice(1)}`;
}

/** `at`, moved back one if it would split a surrogate pair. */
function cutBefore(s: string, at: number): number {
  const c = s.charCodeAt(at);
  return c >= 0xdc00 && c <= 0xdfff ? at - 1 : at;
}

/**
 * Text (a model's description of a state, say) with its middle left out when it is longer than
 * `max`: about the first third and the last quarter of `max` stay, cut at a space or comma near
 * each end where there is one, so tokens stay whole. At least 40% of `max` is left out, so the
 * marker always pays for itself.
 */
export function briefText(text: string, max = 100): string {
  if (text.length <= max) return text;
  const headLen = Math.floor(max * 0.36);
  const tailLen = Math.floor(max * 0.24);
  let h = cutBefore(text, headLen);
  const hb = Math.max(text.lastIndexOf(' ', h - 1), text.lastIndexOf(',', h - 1));
  if (hb >= headLen / 2) h = hb + 1;
  let t = cutBefore(text, text.length - tailLen);
  const tb = [' ', ','].map((c) => text.indexOf(c, t)).filter((i) => i >= 0 && i < text.length - tailLen / 2);
  if (tb.length > 0) t = Math.min(...tb);
  return `${text.slice(0, h)}…${t - h} more chars…${text.slice(t)}`;
}

/** The first index at which two lists differ, by `same`; the shorter length when one is a prefix of the other. */
export function firstDifference<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!same(a[i]!, b[i]!)) return i;
  return n;
}

/**
 * A value on one line for an error message ("got {"type":"ok",…"): JSON cut after `max`
 * characters (a string is cut before it is quoted); undefined, a function or a bigint named as
 * such. For text a person reads at length, use {@link brief}, which keeps both ends.
 */
export function preview(v: unknown, max = 60): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > max ? `${v.slice(0, max)}…` : v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
