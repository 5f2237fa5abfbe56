import { InputError } from '../errors.ts';
import { isMicroOpList, type Op } from '../history/op.ts';
import { LineIndex } from '../history/line-index.ts';
import type { ParsedHistory } from './format.ts';

/** What to pass when a history holds only completions (the CLI's `--completion-only`). */
export const COMPLETION_ONLY_HINT = 'if each op was invoked just before it completed, in file order, read it with --completion-only (the reader option completionOnly)';

/**
 * True if the history has client completions and no invocation at all: the shape some research
 * checkers write (only `ok`/`fail`, often every `:time` 0). Such a file says nothing about
 * which ops overlapped, so it is refused unless the caller says how to read it.
 */
export function isCompletionOnly(ops: readonly Op[]): boolean {
  let completions = 0;
  for (const op of ops) {
    if (op.type === 'invoke') return false;
    if (op.process !== 'nemesis') completions++;
  }
  return completions > 0;
}

/**
 * Reads a completion-only history as if each completion had been invoked right before it, in
 * file order: every client op gets an invocation just ahead of it, so no two ops overlap and
 * realtime order is file order. The invocation carries what was known before the op ran: a
 * read's value is nil, a transaction's reads are open (`[:r k nil]`), anything else keeps its
 * value. Ops without a process each get their own. Nemesis ops are left as they are.
 */
export function invokeBeforeEachCompletion(parsed: ParsedHistory, file: string): ParsedHistory {
  const ops: Op[] = [];
  const lines = new LineIndex();
  let nextProcess = 0;
  for (const op of parsed.ops) if (typeof op.process === 'number' && op.process >= nextProcess) nextProcess = op.process + 1;
  for (const op of parsed.ops) {
    const line = parsed.lines.at(op.index)!;
    if (op.type === 'invoke') throw new InputError('completion-only reading was asked for, but this op is an invocation; read the file without it', file, line);
    if (op.process !== 'nemesis') {
      if (parsed.processless) op.process = nextProcess++;
      const invoke: Op = { index: ops.length, time: op.time, type: 'invoke', process: op.process, f: op.f, value: invocationValue(op) };
      if (op.key !== undefined) invoke.key = op.key;
      if (op.node !== undefined) invoke.node = op.node;
      ops.push(invoke);
      lines.push(line);
    }
    op.index = ops.length;
    ops.push(op);
    lines.push(line);
  }
  const n = ops.length - parsed.ops.length;
  return { ops, lines, processless: false, notes: [...parsed.notes, `completion-only: an invocation was placed right before each of the ${n} completions, so ops do not overlap and realtime order is file order`] };
}

function invocationValue(op: Op): unknown {
  if (op.f === 'read') return null;
  if (isMicroOpList(op.value)) return op.value.map((m) => (m[0] === 'r' ? [m[0], m[1], null] : m));
  return op.value;
}
