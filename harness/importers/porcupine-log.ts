import { InputError } from '../errors.ts';
import type { Op, OpType } from '../history/op.ts';
import { preview } from '../abbreviate.ts';
import { EdnReader, EdnSyntaxError } from './edn.ts';
import { LineIndex } from '../history/line-index.ts';
import type { ChunkParser, HistoryFormat, ParsedHistory, TextChunk } from './format.ts';
import { textChunk } from './text-source.ts';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:([\w-]+)\s*(.*?)\s*$/;

/**
 * The Jepsen etcd logs in Porcupine's test data (`INFO  jepsen.util - 3\t:ok\t:read\t2`). They
 * carry no time, so times are the ops' positions. `:fail :read :timed-out` says nothing about
 * the read, so it becomes `info`; an `info` keeps its invocation's value, with the reason as
 * `error`. Keyword–value pairs after the value (`:hint 4` in Porcupine's newer etcd logs, a
 * visualisation aid) are skipped.
 */
export const porcupineLogFormat: HistoryFormat = {
  name: 'porcupine',
  detect: (head) => /^\s*INFO\s+jepsen\.util\s+-\s+\d+\s+:/.test(head),
  parser: (file) => new PorcupineLogParser(file),
};

export function parsePorcupineLog(text: string, file = '<history>'): Op[] {
  const parser = new PorcupineLogParser(file);
  parser.push(textChunk(text));
  return parser.finish().ops;
}

class PorcupineLogParser implements ChunkParser {
  private readonly ops: Op[] = [];
  private readonly lines = new LineIndex();
  private readonly invoked = new Map<number, Op>();

  constructor(private readonly file: string) {}

  push(chunk: TextChunk): void {
    const { ops, invoked, file } = this;
    const lines = chunk.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (raw.trim() === '') continue;
      const line = chunk.firstLine + i;
      const m = LINE.exec(raw);
      if (!m) throw new InputError('expected "INFO jepsen.util - <process> :<type> :<f> <value>"', file, line);
      const process = Number(m[1]);
      let type = m[2] as OpType;
      const f = m[3]!;
      const value = readValue(m[4]!, f, file, line);
      const op: Op = { index: ops.length, time: ops.length, type, process, f, value };
      if (type === 'invoke') {
        invoked.set(process, op);
      } else {
        const call = invoked.get(process);
        invoked.delete(process);
        if (value === 'timed-out') {
          if (type === 'fail' && f === 'read') type = op.type = 'info';
          op.value = call ? call.value : null;
          op.error = 'timed-out';
        }
      }
      ops.push(op);
      this.lines.push(line);
    }
  }

  finish(): ParsedHistory {
    return { ops: this.ops, lines: this.lines, notes: [] };
  }
}

function readValue(text: string, f: string, file: string, line: number): unknown {
  try {
    const reader = new EdnReader(text === '' ? 'nil' : text);
    const value = reader.read();
    while (reader.more()) {
      if (reader.text[reader.pos] !== ':') throw new EdnSyntaxError('expected one value, then :keyword value pairs', reader.pos);
      reader.read();
      if (!reader.more()) throw new EdnSyntaxError('expected a value after the keyword', reader.pos);
      reader.read();
    }
    return value;
  } catch (err) {
    if (err instanceof EdnSyntaxError) throw new InputError(`expected an EDN value after :${f} (${err.message}), got ${preview(text)}`, file, line);
    throw err;
  }
}
