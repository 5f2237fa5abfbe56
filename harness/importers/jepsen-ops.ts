import { InputError } from '../errors.ts';
import { isMicroOpList, type Op, type OpType } from '../history/op.ts';
import { preview } from '../abbreviate.ts';
import { LineIndex } from '../history/line-index.ts';
import type { ParsedHistory } from './format.ts';

/** `process` of an op whose file named none, until `pairWithoutProcesses` gives it one. */
export const NO_PROCESS = -1;

/**
 * Normalises Jepsen op maps (decoded from EDN or JSON, keywords already strings, one at a time
 * as the parser reads them) into faultline ops with dense indices.
 *
 * - Order is the file's: `:time` is kept as data, whatever its order (older Jepsen tests took
 *   it on different threads); when some op has none, every op's time becomes its position
 *   (Porcupine logs and the corpus kv files carry none).
 * - `:index`, when present, must increase along the file (gaps are fine: filtered histories
 *   have them); a repeated or decreasing index is refused, as Knossos does.
 * - An op without `:f` whose value is a list of Elle micro-ops is a `txn` (Elle's own
 *   histories omit it); otherwise a missing `:f` is refused.
 * - When no op names a `:process`, the history is marked process-less (paired later); a file
 *   where only some do is refused.
 * - Independent keys come from `:key`, or from `[k v]` tuple values (jepsen.independent) when
 *   every client op has one. Tuples are split as they are read (a million `[k v]` arrays would
 *   otherwise stay alive until the end) and joined back if the history turns out not to be
 *   keyed.
 */
export class JepsenOpsBuilder {
  private readonly ops: Op[] = [];
  private readonly lines = new LineIndex();
  private allTimed = true;
  private lastIndex = -1;
  private lastIndexLine = 0;
  private withProcess = 0;
  private firstWithoutProcess = 0;
  private inferredTxn = 0;
  // Tuple splitting (see splitTuple).
  private split = new Uint8Array(1024);
  private clientOps = 0;
  private tuples = 0;
  private keyed = false;
  private allCas = true;
  private nestedTuple = false;

  constructor(private readonly file: string) {}

  add(raw: unknown, line: number): void {
    const { file } = this;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`expected an op map, got ${preview(raw)}`, file, line);
    const o = raw as Record<string, unknown>;
    const type = opType(o.type);
    if (type === undefined) throw new InputError(`expected :type to be one of :invoke, :ok, :fail, :info; got ${preview(o.type)}`, file, line);
    let process = stripColon(o.process);
    if (process === undefined || process === null) {
      if (this.firstWithoutProcess === 0) this.firstWithoutProcess = line;
      process = NO_PROCESS;
    } else if ((Number.isInteger(process) && (process as number) >= 0) || process === 'nemesis') {
      this.withProcess++;
    } else {
      throw new InputError(`expected :process to be a non-negative integer or :nemesis; got ${preview(o.process)}`, file, line);
    }
    let value: unknown = o.value === undefined ? null : o.value;
    let f = stripColon(o.f);
    if (f === undefined || f === null) {
      if (!isMicroOpList(value)) throw new InputError(`expected :f (the op's function); an op without one is read as an Elle transaction only when its :value is a list of [:append|:r|:w key value] micro-ops, got ${preview(value)}`, file, line);
      f = 'txn';
      this.inferredTxn++;
    } else if (typeof f === 'number') {
      f = String(f);
    } else if (typeof f !== 'string' || f === '') {
      throw new InputError(`expected :f to be a keyword or string; got ${preview(o.f)}`, file, line);
    }
    let time = o.time;
    if (typeof time !== 'number') {
      if (time !== undefined && time !== null) throw new InputError(`expected :time to be a number (nanoseconds); got ${preview(time)}`, file, line);
      this.allTimed = false;
      time = 0;
    }
    if (o.index !== undefined && o.index !== null) this.checkIndex(o.index, line);
    let key: string | number | undefined;
    if (o.key !== undefined && o.key !== null) {
      if (typeof o.key !== 'string' && typeof o.key !== 'number') throw new InputError(`expected :key to be a string, keyword or number; got ${preview(o.key)}`, file, line);
      key = o.key;
    }
    const index = this.ops.length;
    if (process !== 'nemesis') {
      this.clientOps++;
      if (key !== undefined) this.keyed = true;
      else if (f !== 'txn' && isTuple(value)) {
        // Split now (see the class comment); finish() joins it back unless every op had one.
        if (f !== 'cas') this.allCas = false;
        if (Array.isArray(value[1])) this.nestedTuple = true;
        key = value[0];
        value = value[1];
        this.markSplit(index);
      }
    }
    // One literal per shape, so an op is one object (adding `key` later would add a second).
    const op: Op =
      key === undefined
        ? { index, time: time as number, type, process: process as Op['process'], f: f as string, value }
        : { index, time: time as number, type, process: process as Op['process'], f: f as string, value, key };
    if (typeof o.node === 'string') op.node = o.node;
    if (o.error !== undefined && o.error !== null) op.error = typeof o.error === 'string' ? o.error : JSON.stringify(o.error);
    this.ops.push(op);
    this.lines.push(line);
  }

  private checkIndex(index: unknown, line: number): void {
    if (!Number.isInteger(index) || (index as number) < 0) throw new InputError(`expected :index to be a non-negative integer; got ${preview(index)}`, this.file, line);
    if ((index as number) <= this.lastIndex) {
      throw new InputError(`:index ${index as number} does not increase along the file (line ${this.lastIndexLine} has :index ${this.lastIndex}); the file's order is the history's order, so indices must grow with it`, this.file, line);
    }
    this.lastIndex = index as number;
    this.lastIndexLine = line;
  }

  private markSplit(index: number): void {
    this.tuples++;
    if (index >= this.split.length) {
      const grown = new Uint8Array(this.split.length * 2);
      grown.set(this.split);
      this.split = grown;
    }
    this.split[index] = 1;
  }

  finish(): ParsedHistory {
    const { ops } = this;
    const notes: string[] = [];
    if (this.withProcess > 0 && this.firstWithoutProcess > 0) {
      throw new InputError('this op has no :process while others have one; give every op a :process, or none (then invocations are paired with completions by :f and value)', this.file, this.firstWithoutProcess);
    }
    if (!this.allTimed) for (const op of ops) op.time = op.index;
    // A plain cas-only history also has pairs ([old new]); only a nested pair proves a key there.
    const keyedByTuples = !this.keyed && this.tuples > 0 && this.tuples === this.clientOps && !(this.allCas && !this.nestedTuple);
    if (this.tuples > 0 && !keyedByTuples) this.joinTuples();
    if (keyedByTuples) notes.push('values are jepsen.independent [key value] tuples: each key is checked as an independent object');
    if (this.inferredTxn > 0) notes.push(`${this.inferredTxn} op${this.inferredTxn === 1 ? ' has' : 's have'} no :f; read as Elle transactions (txn) from their micro-op values`);
    const processless = ops.length > 0 && this.withProcess === 0;
    return { ops, lines: this.lines, processless, notes };
  }

  private joinTuples(): void {
    const { ops, split } = this;
    for (let i = 0; i < ops.length; i++) {
      if (split[i] !== 1) continue;
      const { key, ...rest } = ops[i]!;
      ops[i] = { ...rest, value: [key, rest.value] };
    }
  }
}

function isTuple(v: unknown): v is [string | number, unknown] {
  return Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number');
}

function opType(v: unknown): OpType | undefined {
  switch (v) {
    case 'invoke':
    case ':invoke':
      return 'invoke';
    case 'ok':
    case ':ok':
      return 'ok';
    case 'fail':
    case ':fail':
      return 'fail';
    case 'info':
    case ':info':
      return 'info';
    default:
      return undefined;
  }
}

function stripColon(v: unknown): unknown {
  return typeof v === 'string' && v.startsWith(':') ? v.slice(1) : v;
}
