import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

export type Resolved = { ok: true; path: string; segments: string[] } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps a request's raw path to a file inside the store, refusing anything that could leave it:
 * `..` or `.` segments (also when percent-encoded), encoded slashes or backslashes, NUL bytes,
 * and symlinks whose target lies outside the store. `storeReal` must be the store's realpath.
 */
export async function resolveInStore(storeReal: string, rawUrl: string): Promise<Resolved> {
  const pathPart = rawUrl.split(/[?#]/, 1)[0]!;
  if (!pathPart.startsWith('/')) return { ok: false, status: 400, reason: 'a request path must start with /' };
  const segments: string[] = [];
  for (const raw of pathPart.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding in the path' };
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return { ok: false, status: 403, reason: 'refused: that path leads outside the store' };
    segments.push(seg);
  }
  let real: string;
  try {
    real = await realpath(join(storeReal, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'no such file in the store' };
  }
  if (real !== storeReal && !real.startsWith(storeReal + sep)) return { ok: false, status: 403, reason: 'refused: that path leads outside the store' };
  return { ok: true, path: real, segments };
}
