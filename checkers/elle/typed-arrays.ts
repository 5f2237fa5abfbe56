/**
 * Large typed arrays for the checker, backed by SharedArrayBuffers. With a large history on
 * the heap, every large ArrayBuffer counts as external memory pressure and makes V8 run a full
 * mark-compact over the whole history: one to three seconds each at 1M transactions, several
 * per check (measured here with --trace-gc). SharedArrayBuffers are not counted that way and
 * triggered none. Their memory is zeroed, and freed when the array is collected.
 */
const SHARED_FROM = 1 << 16;

export function int32s(n: number, fill = 0): Int32Array {
  const a = n * 4 >= SHARED_FROM ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
  return fill === 0 ? a : a.fill(fill);
}

export function uint8s(n: number): Uint8Array {
  return n >= SHARED_FROM ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
}

export function float64s(n: number): Float64Array {
  return n * 8 >= SHARED_FROM ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

/** A copy of `a` with room for at least `atLeast` entries (at least double); new entries are `fill`. */
export function grownInt32(a: Int32Array, atLeast: number, fill = 0): Int32Array {
  const b = int32s(Math.max(atLeast, a.length * 2), fill);
  b.set(a);
  return b;
}

export function grownUint8(a: Uint8Array, atLeast: number): Uint8Array {
  const b = uint8s(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
}
