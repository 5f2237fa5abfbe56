import { InputError, errorText } from '../errors.ts';
import type { Op } from '../history/op.ts';
import { lineAt } from './edn.ts';
import { preview } from '../abbreviate.ts';
import { jepsenOps, type JepsenRecord } from './jepsen-ops.ts';
import type { HistoryFormat } from './read-history.ts';

/**
 * Jepsen ops as JSON, as elle-cli reads them: one array of op objects, or one object per line.
 * Keyword-ish strings (`":invoke"`) lose their colon.
 */
export const jepsenJsonFormat: HistoryFormat = {
  name: 'jepsen-json',
  detect: (head) => /^\s*(\[\s*(\{\s*"|\])|\{\s*")/.test(head),
  parse: (text, file) => parseJepsenJson(text, file),
};

export function parseJepsenJson(text: string, file = '<history>'): Op[] {
  const records: JepsenRecord[] = [];
  if (text.trimStart().startsWith('[')) {
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch (err) {
      throw new InputError(`expected a JSON array of op objects: ${jsonError(err, text)}`, file, errorLine(err, text));
    }
    if (!Array.isArray(all)) throw new InputError('expected a JSON array of op objects', file, 1);
    // JSON.parse keeps no positions; find each element's line by its opening brace.
    let offset = text.indexOf('[') + 1;
    let line = 1;
    let counted = 0;
    for (const value of all) {
      const at = text.indexOf('{', offset);
      if (at >= 0) {
        for (let i = text.indexOf('\n', counted); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
          line++;
          counted = i + 1;
        }
        offset = skipObject(text, at);
      }
      records.push({ value, line });
    }
  } else {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (l === '') continue;
      try {
        records.push({ value: JSON.parse(l), line: i + 1 });
      } catch {
        throw new InputError(`expected one JSON op object per line, got ${preview(l)}`, file, i + 1);
      }
    }
  }
  return jepsenOps(records, file);
}

/** Offset just past the JSON object starting at `at` (strings respected). */
function skipObject(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

function jsonError(err: unknown, _text: string): string {
  return errorText(err, { name: false });
}

function errorLine(err: unknown, text: string): number | undefined {
  const m = err instanceof Error ? /position (\d+)/.exec(err.message) : null;
  return m ? lineAt(text, Number(m[1])) : undefined;
}
