import { errorText, InputError } from '../errors.ts';
import { nestsDeeperThan, TOO_DEEP } from '../history/nesting.ts';
import type { Op } from '../history/op.ts';
import { preview } from '../abbreviate.ts';
import { lineAt } from './edn.ts';
import type { ChunkParser, HistoryFormat, ParsedHistory, TextChunk } from './format.ts';
import { JepsenOpsBuilder } from './jepsen-ops.ts';
import { textChunk } from './text-source.ts';

/**
 * Jepsen ops as JSON, as elle-cli reads them: one array of op objects, or one object per line.
 * Keyword-ish strings (`":invoke"`) lose their colon.
 */
export const jepsenJsonFormat: HistoryFormat = {
  name: 'jepsen-json',
  detect: (head) => /^\s*(\[\s*(\{\s*"|\])|\{\s*")/.test(head),
  parser: (file) => new JepsenJsonParser(file),
};

export function parseJepsenJson(text: string, file = '<history>'): Op[] {
  const parser = new JepsenJsonParser(file);
  parser.push(textChunk(text));
  return parser.finish().ops;
}

class JepsenJsonParser implements ChunkParser {
  private readonly builder: JepsenOpsBuilder;
  /** Undecided until the first non-blank text: an array is parsed whole at the end. */
  private mode: 'array' | 'lines' | undefined;
  private readonly texts: string[] = [];
  private arrayFirstLine = 1;

  constructor(private readonly file: string) {
    this.builder = new JepsenOpsBuilder(file);
  }

  push(chunk: TextChunk): void {
    if (this.mode === undefined) {
      const start = chunk.text.trimStart();
      if (start === '') return;
      this.mode = start.startsWith('[') ? 'array' : 'lines';
      this.arrayFirstLine = chunk.firstLine;
    }
    if (this.mode === 'array') {
      this.texts.push(chunk.text);
      return;
    }
    const lines = chunk.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (l === '') continue;
      const line = chunk.firstLine + i;
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        throw new InputError(`expected one JSON op object per line, got ${preview(l)}`, this.file, line);
      }
      if (nestsDeeperThan(value)) throw new InputError(TOO_DEEP, this.file, line);
      this.builder.add(value, line);
    }
  }

  finish(): ParsedHistory {
    if (this.mode === 'array') this.addArray(this.texts.join(''));
    return this.builder.finish();
  }

  private addArray(text: string): void {
    const { file } = this;
    const base = this.arrayFirstLine - 1;
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch (err) {
      const m = err instanceof Error ? /position (\d+)/.exec(err.message) : null;
      throw new InputError(`expected a JSON array of op objects: ${errorText(err, { name: false })}`, file, m ? base + lineAt(text, Number(m[1])) : undefined);
    }
    if (!Array.isArray(all)) throw new InputError('expected a JSON array of op objects', file, base + 1);
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
      if (nestsDeeperThan(value)) throw new InputError(TOO_DEEP, file, base + line);
      this.builder.add(value, base + line);
    }
  }
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
