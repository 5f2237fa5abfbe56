import { InputError } from '../errors.ts';
import { LineIndex } from './line-index.ts';
import { nestsDeeperThan, TOO_DEEP } from './nesting.ts';
import { OP_TYPES, type Op, type OpType } from './op.ts';
import { preview } from '../abbreviate.ts';

/**
 * Parses faultline's `history.jsonl`. Every line must be one JSON op (DESIGN.md §2); blank lines
 * are skipped. A truncated final line (a controller killed mid-write) is dropped when
 * `allowTruncatedTail` is set, since the run's prefix is still checkable.
 */
export function parseJsonlHistory(text: string, file = '<history>', options: JsonlOptions = {}): Op[] {
  const reader = new JsonlOpReader(file, options);
  reader.push(text, 1, true);
  return reader.ops;
}

export interface JsonlOptions {
  allowTruncatedTail?: boolean;
}

/** Reads faultline JSONL in pieces of whole lines (the last piece may end mid-line). */
export class JsonlOpReader {
  readonly ops: Op[] = [];
  /** The file line of each op. */
  readonly lines = new LineIndex();
  private readonly allowTruncatedTail: boolean;

  constructor(
    private readonly file: string,
    { allowTruncatedTail = true }: JsonlOptions = {},
  ) {
    this.allowTruncatedTail = allowTruncatedTail;
  }

  push(text: string, firstLine: number, final: boolean): void {
    const lines = text.split('\n');
    // Only the input's last line can lack its newline: text ending in "\n" splits into a last "".
    const unterminated = final && lines[lines.length - 1]!.trim() !== '' ? lines.length - 1 : -1;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        if (this.allowTruncatedTail && i === unterminated) break;
        throw new InputError(`expected one JSON object per line, got ${preview(line)}`, this.file, firstLine + i);
      }
      this.ops.push(toOp(raw, this.file, firstLine + i));
      this.lines.push(firstLine + i);
    }
  }
}

/** Checks one decoded object against the Op shape; errors name the field and the line. */
export function toOp(raw: unknown, file: string, line: number): Op {
  const op = readOp(raw);
  if (typeof op === 'string') throw new InputError(op, file, line);
  return op;
}

/** One decoded object as an Op, or what is wrong with it (the field and what was expected). */
export function readOp(raw: unknown): Op | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected a JSON object (an op)';
  const o = raw as Record<string, unknown>;
  if (!Number.isInteger(o.index) || (o.index as number) < 0) return 'expected "index": a non-negative integer';
  if (typeof o.time !== 'number' || !Number.isFinite(o.time)) return 'expected "time": a number (ns since start)';
  if (!OP_TYPES.includes(o.type as OpType)) return `expected "type": one of ${OP_TYPES.join(', ')}; got ${JSON.stringify(o.type)}`;
  if (!(Number.isInteger(o.process) || o.process === 'nemesis')) return `expected "process": an integer or "nemesis"; got ${JSON.stringify(o.process)}`;
  if (typeof o.f !== 'string' || o.f === '') return 'expected "f": a non-empty string';
  if (o.key !== undefined && typeof o.key !== 'string' && typeof o.key !== 'number') return 'expected "key": a string or number';
  if (o.node !== undefined && typeof o.node !== 'string') return 'expected "node": a string';
  if (o.error !== undefined && typeof o.error !== 'string') return 'expected "error": a string';
  if (nestsDeeperThan(o)) return TOO_DEEP;
  const op: Op = {
    index: o.index as number,
    time: o.time as number,
    type: o.type as OpType,
    process: o.process as Op['process'],
    f: o.f as string,
    value: o.value === undefined ? null : o.value,
  };
  if (o.key !== undefined) op.key = o.key as string | number;
  if (o.node !== undefined) op.node = o.node as string;
  if (o.error !== undefined) op.error = o.error as string;
  return op;
}

/** One op as one line (no trailing newline). Field order is fixed so files diff well. */
export function opToJsonLine(op: Op): string {
  const { index, time, type, process, f, value, key, node, error } = op;
  const o: Record<string, unknown> = { index, time, type, process, f, value: value === undefined ? null : value };
  if (key !== undefined) o.key = key;
  if (node !== undefined) o.node = node;
  if (error !== undefined) o.error = error;
  return JSON.stringify(o);
}
