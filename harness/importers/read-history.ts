import { InputError } from '../errors.ts';
import { readOp } from '../history/jsonl.ts';
import type { Op } from '../history/op.ts';
import { validateHistory } from '../history/validate.ts';
import { COMPLETION_ONLY_HINT, invokeBeforeEachCompletion, isCompletionOnly } from './completion-only.ts';
import { faultlineJsonlFormat } from './faultline-jsonl.ts';
import type { ChunkParser, HistoryFormat, ParsedHistory, TextChunk } from './format.ts';
import type { LineIndex } from '../history/line-index.ts';
import { jepsenEdnFormat } from './jepsen-edn.ts';
import { jepsenJsonFormat } from './jepsen-json.ts';
import { pairWithoutProcesses } from './pair-without-processes.ts';
import { porcupineLogFormat } from './porcupine-log.ts';
import { fileChunks, textChunk } from './text-source.ts';

export type { HistoryFormat } from './format.ts';

export interface ReadOptions {
  /** A format name (see {@link formatNames}); detected from the content when absent. */
  format?: string;
  /**
   * The file holds only completions, each invoked right before it in file order (the CLI's
   * `--completion-only`). Without it such a file is refused with a hint.
   */
  completionOnly?: boolean;
}

export interface ReadHistory {
  ops: Op[];
  /** The format read (undefined for an empty file). */
  format: string | undefined;
  /** What the reader inferred (no :f, no :process, tuples, completion-only), a sentence each. */
  notes: string[];
}

const formats: HistoryFormat[] = [faultlineJsonlFormat, jepsenEdnFormat, jepsenJsonFormat, porcupineLogFormat];

export function formatNames(): string[] {
  return formats.map((f) => f.name);
}

/**
 * Reads a history file in any known format, in chunks (interruptible between them), and checks
 * its structure. Every problem is an {@link InputError} naming the file and, where there is
 * one, the line (exit 254), so a caller can give each file its own result.
 */
export async function readHistory(file: string, options: ReadOptions = {}): Promise<ReadHistory> {
  let format: HistoryFormat | undefined = options.format === undefined ? undefined : namedFormat(options.format);
  let parser: ChunkParser | undefined;
  for await (const chunk of fileChunks(file)) {
    if (parser === undefined) {
      if (format === undefined && chunk.text.trim() === '') continue;
      format ??= detectFormat(chunk.text, file);
      parser = format.parser(file);
    }
    parser.push(chunk);
  }
  if (parser === undefined || format === undefined) return { ops: [], format: undefined, notes: [] };
  return { ...complete(parser.finish(), file, options), format: format.name };
}

/** Reads a history file: the ops only (see {@link readHistory}). `options` may be a format name. */
export async function readHistoryFile(file: string, options: ReadOptions | string = {}): Promise<Op[]> {
  return (await readHistory(file, typeof options === 'string' ? { format: options } : options)).ops;
}

/** {@link readHistory} for text already in memory. */
export function parseHistory(text: string, file: string, options: ReadOptions = {}): ReadHistory {
  const chunk: TextChunk = textChunk(text);
  if (options.format === undefined && chunk.text.trim() === '') return { ops: [], format: undefined, notes: [] };
  const format = options.format === undefined ? detectFormat(chunk.text, file) : namedFormat(options.format);
  const parser = format.parser(file);
  parser.push(chunk);
  return { ...complete(parser.finish(), file, options), format: format.name };
}

/** {@link parseHistory}, the ops only. `options` may be a format name. */
export function parseHistoryText(text: string, file: string, options: ReadOptions | string = {}): Op[] {
  return parseHistory(text, file, typeof options === 'string' ? { format: options } : options).ops;
}

function namedFormat(name: string): HistoryFormat {
  const format = formats.find((f) => f.name === name);
  if (!format) throw new InputError(`unknown format ${JSON.stringify(name)}; expected one of ${formatNames().join(', ')}`);
  return format;
}

/** The format of a file from its first chunk; see each format's `detect`. */
function detectFormat(head: string, file: string): HistoryFormat {
  const sample = head.length > 65536 ? head.slice(0, 65536) : head;
  const format = formats.find((f) => f.detect(sample));
  if (!format) throw new InputError(`cannot tell the history format from the content; expected one of ${formatNames().join(', ')} (or pass --format)`, file, 1);
  return format;
}

/** Completion-only reading, process-less pairing, then the structural checks. */
function complete(parsed: ParsedHistory, file: string, options: ReadOptions): { ops: Op[]; notes: string[] } {
  let p = parsed;
  if (options.completionOnly) p = invokeBeforeEachCompletion(p, file);
  else if (isCompletionOnly(p.ops)) {
    throw new InputError(`every op is a completion (ok, fail or info) and none is an invocation, so nothing says which ops overlapped; ${COMPLETION_ONLY_HINT}`, file);
  }
  if (p.processless) {
    pairWithoutProcesses(p.ops, p.lines, file);
    p.notes.push('no op names a :process: each completion was paired with the open invocation it completes (same :f, key and agreeing values), and each pair has a process of its own');
  }
  wellFormed(p.ops, file, p.lines);
  return { ops: p.ops, notes: p.notes };
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
  wellFormed(out);
  return out;
}

/** The structural checks, the first problem (and how many more) as an InputError naming the file and line when there is one. */
function wellFormed(ops: readonly Op[], file?: string, lines?: LineIndex): void {
  const problems = validateHistory(ops, { monotoneTime: false });
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new InputError(`malformed history at op ${first.index}: ${first.message}${more}`, file, lines?.at(first.index));
  }
}
