import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared corpus of real histories with known verdicts: `../shared/corpus` beside the
 * repository (where CI puts it), or `FAULTLINE_CORPUS`. A clone on its own has none: the tests
 * that need it are skipped, and say why in their name ({@link corpusMissing}), rather than fail.
 */
const dir = process.env.FAULTLINE_CORPUS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

/** Why the corpus cannot be used (for a skipped suite's name), or undefined when it is there. */
export const corpusMissing: string | undefined = existsSync(dir) ? undefined : `the shared corpus is not at ${dir}; set FAULTLINE_CORPUS to its folder`;

/** A suite's or test's name, with the reason it is skipped when the corpus is missing. */
export function needsCorpus(name: string): string {
  return corpusMissing === undefined ? name : `${name} — skipped: ${corpusMissing}`;
}

/** The corpus folder; throws when it is missing (benchmarks cannot measure without it). */
export function corpusDir(): string {
  if (corpusMissing !== undefined) throw new Error(corpusMissing);
  return dir;
}

/** The corpus folder, or a path that does not exist when it is missing (for tests that skip then). */
export function corpusPath(...parts: string[]): string {
  return resolve(dir, ...parts);
}
