import { gzipSync } from 'node:zlib';
import type { Op, OpPair } from '../harness/history/op.ts';
import { describeOp } from './format.ts';

/**
 * A run of consecutive ops (client and nemesis) as columns, for the paged timeline in the page.
 * Times are whole µs; invocation times and indices are delta-coded (the first row's from 0) so a
 * million rows stay small before gzip. Rows are in invocation order.
 */
export interface TimelineData {
  n: number;
  fs: string[];
  nodes: string[];
  /** Process id; -1 for the nemesis. */
  p: number[];
  /** Index into `fs`. */
  f: number[];
  /** Invocation time in µs, as the difference from the previous row. */
  t: number[];
  /** Invocation to completion in µs; -1 when the op never completed. */
  d: number[];
  /** 0 ok, 1 fail, 2 info, 3 never completed. */
  o: number[];
  /** Invocation's history index, as the difference from the previous row. */
  i: number[];
  /** Completion index minus invocation index; -1 when none. */
  c: number[];
  /** What the op did, short (`read → 3`). */
  v: string[];
  /** Index into `nodes`; -1 when unknown. */
  nd: number[];
  /** Errors, sparse: [row within this chunk, error]. */
  e: [number, string][];
}

const OUTCOME_CODE = { ok: 0, fail: 1, info: 2 } as const;

/** Longest description kept per op; the anomaly sections show whole values. */
export const DESCRIPTION_CHARS = 100;

/**
 * An op's time for the timeline, ns. A history without times is laid out by position instead:
 * one µs per position, so positions survive the rounding to whole µs and the page reads µs as
 * positions (`PageData.axis`).
 */
export type TimeOf = (op: Op) => number;
export const BY_TIME: TimeOf = (op) => op.time;
export const BY_POSITION: TimeOf = (op) => op.index * 1000;

export function timelineData(pairs: readonly OpPair[], timeOf: TimeOf = BY_TIME): TimelineData {
  const data: TimelineData = { n: pairs.length, fs: [], nodes: [], p: [], f: [], t: [], d: [], o: [], i: [], c: [], v: [], nd: [], e: [] };
  const fIndex = new Map<string, number>();
  const nodeIndex = new Map<string, number>();
  const intern = (map: Map<string, number>, list: string[], s: string) => {
    let k = map.get(s);
    if (k === undefined) {
      k = list.length;
      list.push(s);
      map.set(s, k);
    }
    return k;
  };
  let prevT = 0;
  let prevI = 0;
  pairs.forEach(({ invoke, completion }, row) => {
    const t = Math.round(timeOf(invoke) / 1000);
    data.p.push(invoke.process === 'nemesis' ? -1 : invoke.process);
    data.f.push(intern(fIndex, data.fs, invoke.f));
    data.t.push(t - prevT);
    prevT = t;
    data.i.push(invoke.index - prevI);
    prevI = invoke.index;
    data.d.push(completion ? Math.max(0, Math.round(timeOf(completion) / 1000) - t) : -1);
    data.o.push(completion && completion.type !== 'invoke' ? OUTCOME_CODE[completion.type] : 3);
    data.c.push(completion ? completion.index - invoke.index : -1);
    data.v.push(describeOp(invoke, completion, DESCRIPTION_CHARS));
    const node = completion?.node ?? invoke.node;
    data.nd.push(node === undefined ? -1 : intern(nodeIndex, data.nodes, node));
    const error = completion?.error ?? invoke.error;
    if (error !== undefined) data.e.push([row, error.length > 300 ? `${error.slice(0, 299)}…` : error]);
  });
  return data;
}

/** Where each chunk starts, so the page can find an op or a time without inflating every chunk. */
export interface ChunkIndex {
  /** Rows per chunk (the last may have fewer). */
  rows: number;
  /** Total rows. */
  n: number;
  /** History index of each chunk's first invocation. */
  firstIndex: number[];
  /** Invocation time of each chunk's first row, µs. */
  firstTime: number[];
}

/** Rows per chunk: small enough that inflating one takes a few ms, so the page opens at once. */
export const CHUNK_ROWS = 10_000;

/**
 * The timeline as chunks of gzip + base64 (the page inflates one with the browser's
 * DecompressionStream only when a page of the timeline needs it), and their index.
 */
export function encodeTimeline(pairs: readonly OpPair[], chunkRows = CHUNK_ROWS, timeOf: TimeOf = BY_TIME): { index: ChunkIndex; chunks: string[] } {
  const index: ChunkIndex = { rows: chunkRows, n: pairs.length, firstIndex: [], firstTime: [] };
  const chunks: string[] = [];
  for (let from = 0; from < pairs.length; from += chunkRows) {
    const slice = pairs.slice(from, from + chunkRows);
    index.firstIndex.push(slice[0]!.invoke.index);
    index.firstTime.push(Math.round(timeOf(slice[0]!.invoke) / 1000));
    chunks.push(gzipSync(JSON.stringify(timelineData(slice, timeOf)), { level: 6 }).toString('base64'));
  }
  return { index, chunks };
}
