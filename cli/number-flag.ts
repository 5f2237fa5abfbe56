import type { Argv, Options } from 'yargs';
import { InputError } from '../harness/errors.ts';

/** What a numeric flag accepts. Bounds are inclusive unless `above` is used. */
export interface NumberSpec {
  describe: string;
  default?: number;
  integer?: boolean;
  min?: number;
  /** Exclusive lower bound (`--time-limit` must be > 0). */
  above?: number;
  max?: number;
  /** A number of seconds that may also be written `500ms`, `90s`, `1.5m`, `2h`. */
  seconds?: boolean;
}

/** A number's bounds and form, without the help text. */
export type NumberBounds = Omit<NumberSpec, 'describe' | 'default'>;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * The bounds of the settings every run has, one table for `run`'s and `torture`'s flags and the
 * keys of a torture matrix file (cli/commands/run.ts `resolveSpec` checks the same).
 */
export const RUN_SETTING_BOUNDS = {
  nodes: { integer: true, min: 1 },
  concurrency: { integer: true, min: 1 },
  rate: { min: 0 },
  'time-limit': { seconds: true, above: 0 },
  'nemesis-interval': { seconds: true, above: 0 },
  recovery: { seconds: true, min: 0 },
} as const satisfies Record<string, NumberBounds>;

/** Says what the flag takes, for error messages: `an integer from 0 to 65535`. */
function expected(spec: NumberBounds): string {
  const what = spec.seconds ? 'a number of seconds (or 500ms, 90s, 2m, 1h)' : spec.integer ? 'an integer' : 'a number';
  const bounds: string[] = [];
  if (spec.min !== undefined && spec.max !== undefined) bounds.push(`from ${spec.min} to ${spec.max}`);
  else {
    if (spec.min !== undefined) bounds.push(`>= ${spec.min}`);
    if (spec.max !== undefined) bounds.push(`<= ${spec.max}`);
  }
  if (spec.above !== undefined) bounds.push(`> ${spec.above}`);
  return [what, ...bounds].join(' ');
}

/**
 * A numeric flag's value, checked: the last of repeated values wins (as for every flag), and an
 * empty, missing, non-numeric or out-of-range value is an InputError naming the flag and what it
 * takes. `undefined` stays undefined (the flag was not given and has no default).
 */
export function parseNumberFlag(flag: string, raw: unknown, spec: NumberBounds): number | undefined {
  return readNumber(`--${flag}`, raw, spec);
}

/** As {@link parseNumberFlag}, for a value named `label` (a flag, or a key of a matrix file). */
export function readNumber(label: string, raw: unknown, spec: NumberBounds): number | undefined {
  const last = Array.isArray(raw) ? raw.at(-1) : raw;
  if (last === undefined) return undefined;
  const fail = (got: string) => new InputError(`${label} must be ${expected(spec)} (got ${got})`);
  let value: number;
  if (typeof last === 'number') value = last;
  else if (typeof last !== 'string' || last.trim() === '') throw new InputError(`${label} needs a value: ${expected(spec)}`);
  else {
    const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(last);
    const unit = m?.[2]?.toLowerCase() ?? '';
    if (!m || (unit !== '' && !(spec.seconds && unit in UNIT_SECONDS))) throw fail(JSON.stringify(last));
    value = Number(m[1]) * (unit === '' ? 1 : UNIT_SECONDS[unit]!);
  }
  const bad =
    !Number.isFinite(value) ||
    (spec.integer === true && !Number.isInteger(value)) ||
    (spec.min !== undefined && value < spec.min) ||
    (spec.max !== undefined && value > spec.max) ||
    (spec.above !== undefined && value <= spec.above);
  if (bad) throw fail(typeof last === 'string' ? JSON.stringify(last) : String(last));
  return value;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Declares numeric flags and checks them before the command runs. The value is read as a string
 * (yargs' `number` type adds repeated values together and turns a typo into NaN) and converted
 * in a `check`: an error thrown there reaches the CLI as the InputError it is (exit 254), where
 * one thrown by `coerce` is rewrapped by yargs and would look like a crash.
 */
export function numberFlags<T>(y: Argv<T>, specs: Record<string, NumberSpec>): Argv<T> {
  let out = y;
  for (const [flag, spec] of Object.entries(specs)) {
    // The default is applied here, not by yargs: yargs gives a flag written without a value
    // its default, and `--port` alone should be refused, not mean 8080.
    out = out.option(flag, { type: 'string', describe: spec.default === undefined ? spec.describe : `${spec.describe} [default: ${spec.default}]` });
  }
  return out.check((argv) => {
    const args = argv as Record<string, unknown>;
    for (const [flag, spec] of Object.entries(specs)) {
      const value = parseNumberFlag(flag, args[flag], spec) ?? spec.default;
      args[flag] = value;
      if (camelCase(flag) !== flag) args[camelCase(flag)] = value;
    }
    return true;
  });
}

/**
 * The older form, for commands not yet moved to {@link numberFlags}: the last value wins and a
 * non-number becomes NaN, which the command must report by name.
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
