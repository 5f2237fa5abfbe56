import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared corpus of real histories with known verdicts: `../shared/corpus` beside the
 * repository (where CI puts it), or `FAULTLINE_CORPUS`. Missing is an error, not a skip: a
 * checker test that silently checks nothing proves nothing.
 */
export function corpusDir(): string {
  const dir = process.env.FAULTLINE_CORPUS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
  if (!existsSync(dir)) throw new Error(`the shared corpus is not at ${dir}; set FAULTLINE_CORPUS to its folder`);
  return dir;
}
