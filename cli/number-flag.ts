import type { Options } from 'yargs';

/**
 * A numeric flag where, as with every other flag, the last occurrence wins. yargs' own `number`
 * type adds repeated values together (`--nodes 3 --nodes 1` gave 4 nodes), so the flag is parsed
 * as a string and converted here; a non-number becomes NaN, which the command reports by name.
 */
export function numberFlag(describe: string, defaultValue?: number): Options {
  return {
    type: 'string',
    requiresArg: true,
    describe,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    coerce: (v: unknown): number => {
      const last = Array.isArray(v) ? v.at(-1) : v;
      if (typeof last === 'number') return last;
      return typeof last === 'string' && last.trim() !== '' ? Number(last) : Number.NaN;
    },
  };
}
