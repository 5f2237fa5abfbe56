/// <reference lib="dom" />
import type { TimelineData } from '../timeline-data.ts';

/** Timeline rows with the delta coding undone. */
export interface Rows {
  n: number;
  fs: string[];
  nodes: string[];
  p: Int32Array;
  f: Uint16Array;
  /** Invocation time, µs. */
  t: Float64Array;
  /** Duration, µs; -1 when never completed. */
  d: Float64Array;
  o: Uint8Array;
  /** Invocation history index. */
  i: Int32Array;
  c: Int32Array;
  v: string[];
  nd: Int32Array;
  e: Map<number, string>;
}

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text.trim());
  const bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  return bytes;
}

/** Inflates the embedded gzip + base64 timeline with the browser's own DecompressionStream. */
export async function decodeTimeline(encoded: string): Promise<Rows> {
  const stream = new Blob([base64Bytes(encoded) as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const data = JSON.parse(await new Response(stream).text()) as TimelineData;
  const rows: Rows = {
    n: data.n,
    fs: data.fs,
    nodes: data.nodes,
    p: Int32Array.from(data.p),
    f: Uint16Array.from(data.f),
    t: new Float64Array(data.n),
    d: Float64Array.from(data.d),
    o: Uint8Array.from(data.o),
    i: new Int32Array(data.n),
    c: Int32Array.from(data.c),
    v: data.v,
    nd: Int32Array.from(data.nd),
    e: new Map(data.e),
  };
  let t = 0;
  let i = 0;
  for (let k = 0; k < data.n; k++) {
    t += data.t[k]!;
    i += data.i[k]!;
    rows.t[k] = t;
    rows.i[k] = i;
  }
  return rows;
}
