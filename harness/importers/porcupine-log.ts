import { InputError } from '../errors.ts';
import type { Op, OpType } from '../history/op.ts';
import { EdnReader, EdnSyntaxError } from './edn.ts';
import type { HistoryFormat } from './read-history.ts';

const LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:([\w-]+)\s*(.*?)\s*$/;

/**
 * The Jepsen etcd logs in Porcupine's test data (`INFO  jepsen.util - 3\t:ok\t:read\t2`). They
 * carry no time, so times are the ops' positions. `:fail :read :timed-out` says nothing about
 * the read, so it becomes `info`; an `info` keeps its invocation's value, with the reason as
 * `error`.
 */
export const porcupineLogFormat: HistoryFormat = {
  name: 'porcupine',
  detect: (head) => /^\s*INFO\s+jepsen\.util\s+-\s+\d+\s+:/.test(head),
  parse: (text, file) => parsePorcupineLog(text, file),
};

export function parsePorcupineLog(text: string, file = '<history>'): Op[] {
  const ops: Op[] = [];
  const invoked = new Map<number, Op>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const m = LINE.exec(raw);
    if (!m) throw new InputError('expected "INFO jepsen.util - <process> :<type> :<f> <value>"', file, i + 1);
    const process = Number(m[1]);
    let type = m[2] as OpType;
    const f = m[3]!;
    let value: unknown;
    try {
      const reader = new EdnReader(m[4] === '' ? 'nil' : m[4]!);
      value = reader.read();
      if (reader.more()) throw new EdnSyntaxError('expected one value', reader.pos);
    } catch (err) {
      if (err instanceof EdnSyntaxError) throw new InputError(`expected an EDN value after :${f}, got ${JSON.stringify(m[4])}`, file, i + 1);
      throw err;
    }
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
  }
  return ops;
}
