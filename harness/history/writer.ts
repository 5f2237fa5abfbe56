import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { ContractError } from '../scheduler/contract.ts';
import { opToJsonLine } from './jsonl.ts';
import { MAX_NESTING } from './nesting.ts';
import type { Op } from './op.ts';
import { errorText } from '../errors.ts';

export interface HistoryWriterOptions {
  /** Buffered lines reach the file at least this often. */
  flushMs?: number;
  /** …or as soon as this many bytes are buffered. */
  maxBufferBytes?: number;
}

/**
 * Appends ops to `history.jsonl` while the run goes. Lines are buffered and written whole, every
 * `flushMs` and whenever the buffer fills, with one synchronous write, so a controller killed with
 * SIGKILL leaves a file of complete lines (at worst, a torn last line the reader drops) — a prefix
 * that parses and checks. What was written is in the page cache at once; `close` also fsyncs.
 */
export class HistoryWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly maxBufferBytes: number;
  written = 0;

  constructor(
    readonly file: string,
    options: HistoryWriterOptions = {},
  ) {
    this.fd = openSync(file, 'a');
    this.maxBufferBytes = options.maxBufferBytes ?? 64 * 1024;
    this.timer = setInterval(() => this.flush(), options.flushMs ?? 200);
    this.timer.unref();
  }

  append(op: Op): void {
    if (this.closed) throw new Error(`history ${this.file} is closed`);
    let line: string;
    try {
      const why = unreadable(op.value, MAX_NESTING - 1);
      if (why) throw new Error(why);
      line = `${opToJsonLine(op)}\n`;
    } catch (err) {
      throw new ContractError(`op ${op.index} (${op.f}) cannot be written as JSON: ${errorText(err, { name: false })}`);
    }
    this.buffer.push(line);
    this.bytes += line.length;
    this.written++;
    if (this.bytes >= this.maxBufferBytes) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    const data = Buffer.from(this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/**
 * Why a value would not read back as written: JSON turns NaN and ±Infinity into null, and the
 * readers refuse values nested deeper than {@link MAX_NESTING} levels (the op is the first).
 */
function unreadable(value: unknown, depth: number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value} has no JSON form (it would be written as null)`;
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth <= 0) return `its value nests more than ${MAX_NESTING} levels deep, which no faultline reader accepts`;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const why = unreadable(v, depth - 1);
    if (why) return why;
  }
  return undefined;
}
