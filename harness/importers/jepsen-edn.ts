import { InputError } from '../errors.ts';
import type { Op } from '../history/op.ts';
import { EdnIncomplete, EdnReader, EdnSyntaxError, lineAt } from './edn.ts';
import { LineCounter, type ChunkParser, type HistoryFormat, type ParsedHistory, type TextChunk } from './format.ts';
import { JepsenOpsBuilder } from './jepsen-ops.ts';
import { textChunk } from './text-source.ts';

/**
 * Jepsen's `history.edn`: one vector or list of op maps, or one op map per line (knossos,
 * Elle, the corpus kv files). `;` comments and `#_` discards are skipped.
 */
export const jepsenEdnFormat: HistoryFormat = {
  name: 'jepsen-edn',
  detect: (head) => /^\s*(;[^\n]*\n\s*)*([[(]\s*[\])]|[[(]?\s*(#[\w.]+\s*)?\{\s*:)/.test(head),
  parser: (file) => new JepsenEdnParser(file),
};

/** Parses Jepsen EDN text held whole (tests, small inputs). */
export function parseJepsenEdn(text: string, file = '<history>'): Op[] {
  const parser = new JepsenEdnParser(file);
  parser.push(textChunk(text));
  return parser.finish().ops;
}

/** No op map is this long; a form that is has lost its closing quote or bracket. */
const MAX_FORM_CHARS = 64 * 2 ** 20;

class JepsenEdnParser implements ChunkParser {
  private readonly reader = new EdnReader('');
  private readonly builder: JepsenOpsBuilder;
  /** Text of a form cut by the chunk's end, and its first line. */
  private carry = '';
  private carryLine = 1;
  private forms = 0;
  /** Closing bracket of the history vector or list we are inside, else 0. */
  private closer = 0;
  private openedAt = 0;
  /** The op map being read: the keys an op uses, reset for each (see EdnReader.readMapInto). */
  private readonly fields: OpFields = clear({} as OpFields);

  constructor(private readonly file: string) {
    this.builder = new JepsenOpsBuilder(file);
  }

  push(chunk: TextChunk): void {
    const text = this.carry === '' ? chunk.text : this.carry + chunk.text;
    const firstLine = this.carry === '' ? chunk.firstLine : this.carryLine;
    this.carry = '';
    const { reader, builder } = this;
    reader.reset(text, chunk.final);
    const lines = new LineCounter(text, firstLine);
    try {
      for (;;) {
        const at = reader.peekOffset();
        if (at >= text.length) break;
        const c = text.charCodeAt(at);
        if (this.closer !== 0 && c === this.closer) {
          reader.pos++;
          this.closer = 0;
          continue;
        }
        if (this.closer === 0 && this.forms === 0 && (c === 0x5b || c === 0x28)) {
          // The history itself: read its elements one at a time rather than as one value.
          reader.pos++;
          this.closer = c === 0x5b ? 0x5d : 0x29;
          this.openedAt = lines.lineOf(at);
          this.forms++;
          continue;
        }
        const value = reader.readMapInto(clear(this.fields)) ? this.fields : reader.read();
        if (this.closer === 0) this.forms++;
        builder.add(value, lines.lineOf(at));
      }
    } catch (err) {
      if (err instanceof EdnIncomplete) {
        this.carry = text.slice(err.start);
        this.carryLine = lines.lineOf(err.start);
        // Each chunk re-reads the unfinished form: an unclosed string would make that quadratic.
        if (this.carry.length > MAX_FORM_CHARS) throw new InputError(`EDN: this form runs on for more than ${MAX_FORM_CHARS / 2 ** 20} MiB without closing (an unclosed string or bracket?)`, this.file, this.carryLine);
        return;
      }
      if (err instanceof EdnSyntaxError) throw new InputError(`EDN: ${err.message}`, this.file, firstLine + lineAt(text, err.offset) - 1);
      throw err;
    }
  }

  finish(): ParsedHistory {
    if (this.closer !== 0) throw new InputError(`EDN: expected "${String.fromCharCode(this.closer)}" to close the history, got the end of the input`, this.file, this.openedAt);
    return this.builder.finish();
  }
}

type OpFields = Record<'index' | 'time' | 'type' | 'process' | 'f' | 'value' | 'key' | 'node' | 'error', unknown>;

function clear(fields: OpFields): OpFields {
  fields.index = undefined;
  fields.time = undefined;
  fields.type = undefined;
  fields.process = undefined;
  fields.f = undefined;
  fields.value = undefined;
  fields.key = undefined;
  fields.node = undefined;
  fields.error = undefined;
  return fields;
}
