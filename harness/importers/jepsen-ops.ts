import { InputError } from '../errors.ts';
import { OP_TYPES, type Op, type OpType } from '../history/op.ts';
import { preview } from '../abbreviate.ts';

/** One decoded op map and the line it started on (for errors). */
export interface JepsenRecord {
  value: unknown;
  line: number;
}

/**
 * Normalises Jepsen op maps (decoded from EDN or JSON, keywords already strings) into faultline
 * ops with dense indices. Times are kept when every op has one, else replaced by the op's
 * position (Porcupine logs and the corpus kv files carry none). Independent keys come from a
 * `key` field, or from `[k v]` tuple values (jepsen.independent) when every client op has one.
 */
export function jepsenOps(records: readonly JepsenRecord[], file: string): Op[] {
  const ops: Op[] = [];
  let timed = true;
  for (const { value: raw, line } of records) {
    const op = toOp(raw, ops.length, file, line);
    if (typeof (raw as Record<string, unknown>).time !== 'number') timed = false;
    ops.push(op);
  }
  if (!timed) for (const op of ops) op.time = op.index;
  splitTuples(ops);
  return ops;
}

function toOp(raw: unknown, index: number, file: string, line: number): Op {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`expected an op map, got ${preview(raw)}`, file, line);
  const o = raw as Record<string, unknown>;
  const type = stripColon(o.type);
  if (!OP_TYPES.includes(type as OpType)) throw new InputError(`expected :type to be one of :invoke, :ok, :fail, :info; got ${preview(o.type)}`, file, line);
  const process = stripColon(o.process);
  if (!(Number.isInteger(process) || process === 'nemesis')) throw new InputError(`expected :process to be an integer or :nemesis; got ${preview(o.process)}`, file, line);
  const f = stripColon(o.f);
  if ((typeof f !== 'string' || f === '') && typeof f !== 'number') throw new InputError(`expected :f to be a keyword or string; got ${preview(o.f)}`, file, line);
  const op: Op = { index, time: typeof o.time === 'number' ? o.time : 0, type: type as OpType, process: process as Op['process'], f: String(f), value: o.value === undefined ? null : o.value };
  if (o.key !== undefined && o.key !== null) {
    if (typeof o.key !== 'string' && typeof o.key !== 'number') throw new InputError(`expected :key to be a string, keyword or number; got ${preview(o.key)}`, file, line);
    op.key = o.key;
  }
  if (typeof o.node === 'string') op.node = o.node;
  if (o.error !== undefined && o.error !== null) op.error = typeof o.error === 'string' ? o.error : JSON.stringify(o.error);
  return op;
}

/** jepsen.independent writes `[k v]` values; when every client op has one, lift `k` into `key`. */
function splitTuples(ops: Op[]): void {
  let clientOps = 0;
  let allCas = true;
  let nested = false;
  for (const op of ops) {
    if (op.process === 'nemesis') continue;
    clientOps++;
    if (op.key !== undefined || op.f === 'txn') return;
    const v = op.value;
    if (!Array.isArray(v) || v.length !== 2 || (typeof v[0] !== 'string' && typeof v[0] !== 'number')) return;
    if (op.f !== 'cas') allCas = false;
    if (Array.isArray(v[1])) nested = true;
  }
  // A plain cas-only history also has pairs ([old new]); only a nested pair proves a key there.
  if (clientOps === 0 || (allCas && !nested)) return;
  for (const op of ops) {
    if (op.process === 'nemesis') continue;
    const [k, v] = op.value as [string | number, unknown];
    op.key = k;
    op.value = v;
  }
}

function stripColon(v: unknown): unknown {
  return typeof v === 'string' && v.startsWith(':') ? v.slice(1) : v;
}
