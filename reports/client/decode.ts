/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { ChunkIndex, TimelineData } from '../timeline-data.ts';

/** One op of the timeline, decoded. Times in µs since the test started. */
export interface Row {
  /** Position in the whole timeline. */
  row: number;
  /** Process id; -1 for the nemesis. */
  process: number;
  f: string;
  start: number;
  /** -1 when the op never completed. */
  duration: number;
  /** 0 ok, 1 fail, 2 info, 3 never completed. */
  outcome: number;
  invokeIndex: number;
  /** -1 when the op never completed. */
  completionIndex: number;
  text: string;
  node?: string;
  error?: string;
}

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text.trim());
  const bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  return bytes;
}

/** Inflates one gzip + base64 chunk with the browser's own DecompressionStream. */
async function decodeChunk(encoded: string, first: number): Promise<Row[]> {
  const stream = new Blob([base64Bytes(encoded) as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const data = JSON.parse(await new Response(stream).text()) as TimelineData;
  const errors = new Map(data.e);
  const rows: Row[] = [];
  let t = 0;
  let i = 0;
  for (let k = 0; k < data.n; k++) {
    t += data.t[k]!;
    i += data.i[k]!;
    const row: Row = {
      row: first + k,
      process: data.p[k]!,
      f: data.fs[data.f[k]!]!,
      start: t,
      duration: data.d[k]!,
      outcome: data.o[k]!,
      invokeIndex: i,
      completionIndex: data.c[k]! >= 0 ? i + data.c[k]! : -1,
      text: data.v[k]!,
    };
    if (data.nd[k]! >= 0) row.node = data.nodes[data.nd[k]!];
    const error = errors.get(k);
    if (error !== undefined) row.error = error;
    rows.push(row);
  }
  return rows;
}

/** First position in sorted `xs` whose value is > `x`, minus one: the chunk that holds `x`. */
function chunkOf(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/**
 * The timeline's rows, inflated a chunk at a time when a page needs them: opening the report
 * costs one chunk, whatever the size of the history.
 */
export class RowStore {
  private readonly decoded = new Map<number, Promise<Row[]>>();

  constructor(
    readonly index: ChunkIndex,
    /** The base64 text of chunk k, read only when it is needed. */
    private readonly chunkText: (k: number) => string,
  ) {}

  get n(): number {
    return this.index.n;
  }

  private chunk(k: number): Promise<Row[]> {
    let rows = this.decoded.get(k);
    if (!rows) this.decoded.set(k, (rows = decodeChunk(this.chunkText(k), k * this.index.rows)));
    return rows;
  }

  /** Rows `from` (inclusive) to `to` (exclusive). */
  async slice(from: number, to: number): Promise<Row[]> {
    const size = this.index.rows;
    const out: Row[] = [];
    for (let k = Math.floor(from / size); k * size < to; k++) {
      for (const r of await this.chunk(k)) if (r.row >= from && r.row < to) out.push(r);
    }
    return out;
  }

  /** The row of an op by its invocation's or its completion's history index, or -1. */
  async rowOf(historyIndex: number): Promise<number> {
    const k = chunkOf(this.index.firstIndex, historyIndex);
    // A completion can sit in a later chunk than its invocation: look back a little.
    for (let c = k; c >= Math.max(0, k - 2); c--) {
      const hit = (await this.chunk(c)).find((r) => r.invokeIndex === historyIndex || r.completionIndex === historyIndex);
      if (hit) return hit.row;
    }
    return -1;
  }

  /** The first row invoked at or after `us`. */
  async rowAt(us: number): Promise<number> {
    const rows = await this.chunk(chunkOf(this.index.firstTime, us));
    return (rows.find((r) => r.start >= us) ?? rows[rows.length - 1])?.row ?? 0;
  }
}
