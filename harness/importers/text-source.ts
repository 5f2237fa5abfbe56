import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { TextChunk } from './format.ts';

const CHUNK_BYTES = 8 * 2 ** 20;
const BOM = 0xfeff;

/**
 * Reads a history file as UTF-8 text in chunks of whole lines, so a 300 MB file is never one
 * string and a long read can be interrupted between chunks. A leading byte-order mark is
 * dropped (in every format alike); bytes that are not UTF-8 are refused with their line, never
 * replaced (a key with a replaced byte would silently become another key).
 */
export async function* fileChunks(file: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<TextChunk> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw readError(err, file);
  }
  try {
    // A file smaller than a chunk gets a buffer of its size (+1 to see the end in one read): a
    // check of many small files must not allocate a whole chunk per file.
    let buffer = Buffer.allocUnsafe(Math.max(4, Math.min(chunkBytes, (await handle.stat()).size + 1)));
    let filled = 0;
    let firstLine = 1;
    let first = true;
    let eof = false;
    while (!eof) {
      if (filled === buffer.length) {
        // One line longer than the buffer: grow until it fits.
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
      let read: number;
      try {
        ({ bytesRead: read } = await handle.read(buffer, filled, buffer.length - filled, null));
      } catch (err) {
        throw readError(err, file);
      }
      filled += read;
      eof = read === 0;
      if (first) {
        if (filled < 3 && !eof) continue;
        first = false;
        if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
          throw new InputError('is UTF-16 text; expected UTF-8 (convert it, e.g. with iconv -f UTF-16 -t UTF-8)', file, 1);
        }
        if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
          buffer.copy(buffer, 0, 3, filled);
          filled -= 3;
        }
      }
      // Whole lines only, unless the file ended.
      const end = eof ? filled : buffer.lastIndexOf(0x0a, filled - 1) + 1;
      if (end === 0 && !eof) continue;
      const bytes = buffer.subarray(0, end);
      if (!isUtf8(bytes)) {
        const bad = firstInvalidUtf8(bytes);
        throw new InputError(`byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} is not UTF-8 text (at byte ${countColumn(bytes, bad)} of the line); expected UTF-8`, file, firstLine + countNewlines(bytes, 0, bad));
      }
      const text = bytes.toString('utf8');
      yield { text, firstLine, final: eof };
      firstLine += countNewlines(bytes, 0, bytes.length);
      buffer.copy(buffer, 0, end, filled);
      filled -= end;
    }
  } finally {
    await handle.close();
  }
}

/** One chunk for text already in memory (a leading byte-order mark dropped, as from a file). */
export function textChunk(text: string): TextChunk {
  return { text: text.charCodeAt(0) === BOM ? text.slice(1) : text, firstLine: 1, final: true };
}

function readError(err: unknown, file: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  return new InputError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a history file' : `cannot read: ${code ?? String(err)}`, file);
}

function countNewlines(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a, from); i !== -1 && i < to; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

function countColumn(bytes: Uint8Array, at: number): number {
  return at - (bytes.lastIndexOf(0x0a, at) + 1) + 1;
}

/** Offset of the first byte that breaks UTF-8 (only called once `isUtf8` said one does). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return bytes.length;
}
