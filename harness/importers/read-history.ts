import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { parseJsonlHistory, readOp, toOp } from '../history/jsonl.ts';
import type { Op } from '../history/op.ts';
import { validateHistory } from '../history/validate.ts';
import { jepsenEdnFormat } from './jepsen-edn.ts';
import { jepsenJsonFormat } from './jepsen-json.ts';
import { porcupineLogFormat } from './porcupine-log.ts';

/** A history file format faultline can read. Importers normalise into faultline ops. */
export interface HistoryFormat {
  readonly name: string;
  /** Cheap sniff of the first bytes: does this content look like this format? */
  detect(head: string): boolean;
  parse(text: string, file: string): Op[];
}

const formats: HistoryFormat[] = [
  {
    name: 'faultline',
    detect: isFaultlineJsonl,
    parse: (text, file) => parseJsonlHistory(text, file),
  },
  jepsenEdnFormat,
  jepsenJsonFormat,
  porcupineLogFormat,
];

/** The first line is a complete faultline op; other JSON ops (elle-cli's) go to jepsen-json. */
function isFaultlineJsonl(head: string): boolean {
  const first = head.trimStart().split('\n', 1)[0]!;
  if (!/^\{\s*"index"\s*:/.test(first)) return false;
  try {
    toOp(JSON.parse(first), '', 1);
    return true;
  } catch {
    return false;
  }
}

export function formatNames(): string[] {
  return formats.map((f) => f.name);
}

/**
 * Reads a history file in any known format (detected from its content unless `format` is
 * given), and validates its structure. Problems become an {@link InputError} (exit 254).
 */
export async function readHistoryFile(file: string, format?: string): Promise<Op[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a history file' : `cannot read: ${code ?? String(err)}`, file);
  }
  return parseHistoryText(text, file, format);
}

export function parseHistoryText(text: string, file: string, format?: string): Op[] {
  let fmt: HistoryFormat | undefined;
  if (format !== undefined) {
    fmt = formats.find((f) => f.name === format);
    if (!fmt) throw new InputError(`unknown format ${JSON.stringify(format)}; expected one of ${formatNames().join(', ')}`);
  } else {
    if (text.trim() === '') return [];
    const head = text.slice(0, 4096);
    fmt = formats.find((f) => f.detect(head));
    if (!fmt) {
      throw new InputError(`cannot tell the history format from the content; expected one of ${formatNames().join(', ')} (or pass --format)`, file, 1);
    }
  }
  return wellFormed(fmt.parse(text, file), file);
}

/**
 * A history built in code, checked as a file's is: each element must be an op (`index` and
 * `time` default to its position), and the whole must pass {@link validateHistory}. Problems
 * become an InputError naming the op.
 */
export function historyFromOps(ops: readonly unknown[]): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < ops.length; i++) {
    const raw = ops[i];
    const op = readOp(typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { index: i, time: i, ...raw } : raw);
    if (typeof op === 'string') throw new InputError(`history[${i}]: ${op}`);
    out.push(op);
  }
  return wellFormed(out);
}

function wellFormed(ops: Op[], file?: string): Op[] {
  const problems = validateHistory(ops);
  if (problems.length > 0) {
    const p = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new InputError(`malformed history at op ${p.index}: ${p.message}${more}`, file);
  }
  return ops;
}
