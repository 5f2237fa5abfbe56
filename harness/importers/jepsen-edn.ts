import { InputError } from '../errors.ts';
import type { Op } from '../history/op.ts';
import { EdnReader, EdnSyntaxError, lineAt } from './edn.ts';
import { jepsenOps, type JepsenRecord } from './jepsen-ops.ts';
import type { HistoryFormat } from './read-history.ts';

/**
 * Jepsen's `history.edn`: one vector or list of op maps, or one op map per line (knossos,
 * Elle, the corpus kv files). `;` comments and `#_` discards are skipped.
 */
export const jepsenEdnFormat: HistoryFormat = {
  name: 'jepsen-edn',
  detect: (head) => /^\s*(;[^\n]*\n\s*)*[[(]?\s*(#[\w.]+\s*)?\{\s*:/.test(head),
  parse: (text, file) => parseJepsenEdn(text, file),
};

export function parseJepsenEdn(text: string, file = '<history>'): Op[] {
  const reader = new EdnReader(text);
  const records: JepsenRecord[] = [];
  let line = 1;
  let lineOffset = 0;
  // Lines are counted incrementally: forms come in text order.
  const lineOf = (offset: number): number => {
    for (let i = text.indexOf('\n', lineOffset); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineOffset = i + 1;
    }
    return line;
  };
  let historyStart = 0;
  try {
    let forms = 0;
    while (reader.more()) {
      const at = reader.pos;
      historyStart = at;
      const c = text[at];
      if ((c === '[' || c === '(') && forms === 0) {
        reader.pos++;
        const close = c === '[' ? 0x5d : 0x29;
        for (;;) {
          const next = reader.peekOffset();
          if (next >= text.length) throw new EdnSyntaxError(`expected "${String.fromCharCode(close)}" to close the history, got the end of the input`, historyStart);
          if (text.charCodeAt(next) === close) {
            reader.pos++;
            break;
          }
          records.push({ line: lineOf(next), value: reader.read() });
        }
      } else {
        records.push({ line: lineOf(at), value: reader.read() });
      }
      forms++;
    }
  } catch (err) {
    if (err instanceof EdnSyntaxError) throw new InputError(`EDN: ${err.message}`, file, lineAt(text, err.offset));
    throw err;
  }
  return jepsenOps(records, file);
}
