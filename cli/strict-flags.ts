import leven from 'leven';
import { InputError } from '../harness/errors.ts';

/** The part of yargs' option table these checks read (yargs has it at run time, its types do not). */
export interface DeclaredOptions {
  key: Record<string, unknown>;
  string: readonly string[];
  array: readonly string[];
  alias: Record<string, readonly string[]>;
}

const camel = /[a-z][A-Z]/;
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Flag names as a person types them: yargs' camelCase twins of kebab-case flags left out. */
function flagNames(names: Iterable<string>): string[] {
  const all = new Set(names);
  return [...all].filter((n) => !(camel.test(n) && all.has(kebab(n))));
}

/**
 * A lone `-` (standard input) as main hands it to yargs: yargs re-reads positional arguments as
 * `--files -`, where `-` looks like a flag and is dropped, so `check -` saw no file at all. NUL
 * cannot be in a path or a flag. Commands that take `-` read it back with {@link fromDashWord}.
 */
export const DASH_WORD = '\0-';

/** The argument as typed: {@link DASH_WORD} back to `-`. */
export function fromDashWord(word: string): string {
  return word === DASH_WORD ? '-' : word;
}

/** `--name`, or `-n` for one letter. */
export function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/**
 * The declared flag a mistyped one most likely meant: the nearest by edit distance (at most 2,
 * or a third of a longer name, and less than the typed name's length: `--chekcer` and `--prot`
 * find `--checker` and `--port`, `--x` finds nothing), else the one flag it begins
 * (`--consistency` for `--consistency-model`).
 */
export function nearestFlag(typed: string, declared: Iterable<string>): string | undefined {
  const names = flagNames(declared);
  const limit = Math.min(typed.length - 1, Math.max(2, Math.floor(typed.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = leven(typed, name);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  const extending = typed.length >= 3 ? names.filter((n) => n.startsWith(typed)) : [];
  return extending.length === 1 ? extending[0] : undefined;
}

/** Whether `name` appears in `argv` as a flag (`--name`, `--name=v`, `--no-name`, `-n`, `-xn`) rather than as a word. */
function givenAsFlag(name: string, argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  if (name.length === 1 && words.some((w) => /^-[^-]/.test(w) && w.slice(1).split('=')[0]!.includes(name))) return true;
  return words.some((w) => w === `--${name}` || w.startsWith(`--${name}=`) || w === `--no-${name}` || w.startsWith(`--no-${name}=`));
}

/**
 * A person's sentence for yargs' usage failures, read in the `en` locale: for `Unknown
 * argument(s): a, b` (strict mode) each unknown flag with the declared flag it most likely
 * meant, and words the command has no place for; for `Not enough arguments following: x`,
 * that `--x` needs a value; for `Did you mean check?`, the command that was not found. Any other
 * failure of a command line that also holds an undeclared flag is about that flag (yargs
 * counts positional arguments first: `check --chekcer` without a file would say a file is
 * missing). Undefined for any other message.
 */
export function usageMessage(message: string, command: string | undefined, argv: readonly string[], declared: DeclaredOptions): string | undefined {
  const missing = /^Not enough arguments following: (.*)$/.exec(message);
  if (missing) return `${flag(missing[1]!)} needs a value`;
  const suggested = /^Did you mean (.*)\?$/.exec(message);
  if (suggested) return `unknown command ${JSON.stringify(argv.find((a) => !a.startsWith('-')))}; did you mean ${suggested[1]}?`;
  const m = /^Unknown arguments?: (.*)$/.exec(message);
  const names = m ? flagNames(m[1]!.split(', ')) : command === undefined ? [] : undeclaredFlags(argv, declared);
  if (names.length === 0) return undefined;
  const known = [...Object.keys(declared.key), ...Object.values(declared.alias).flat()];
  const parts: string[] = [];
  const flags = names.filter((n) => givenAsFlag(n, argv));
  const words = names.filter((n) => !flags.includes(n));
  if (flags.length === 1) {
    const near = nearestFlag(flags[0]!, known);
    parts.push(`unknown flag ${flag(flags[0]!)}${near === undefined ? '' : `; did you mean ${flag(near)}?`}`);
  } else if (flags.length > 1) {
    const guesses = flags.map((n) => {
      const near = nearestFlag(n, known);
      return near === undefined ? flag(n) : `${flag(n)} (did you mean ${flag(near)}?)`;
    });
    parts.push(`unknown flags ${guesses.join(', ')}`);
  }
  if (words.length > 0) parts.push(`unexpected argument${words.length > 1 ? 's' : ''} ${words.map((w) => JSON.stringify(fromDashWord(w))).join(', ')}`);
  return `${command === undefined ? '' : `${command}: `}${parts.join('; ')}`;
}

/** Long flags in `argv` (before `--`) that the command does not declare, as written (`--no-x` as `x` when x is declared). */
function undeclaredFlags(argv: readonly string[], declared: DeclaredOptions): string[] {
  const end = argv.indexOf('--');
  const known = new Set([...Object.keys(declared.key), ...Object.values(declared.alias).flat()]);
  const out: string[] = [];
  for (const word of end === -1 ? argv : argv.slice(0, end)) {
    const m = /^--([^=]+)/.exec(word);
    if (!m) continue;
    const name = m[1]!;
    if (known.has(name) || (name.startsWith('no-') && known.has(name.slice(3))) || out.includes(name)) continue;
    out.push(name);
  }
  return out;
}

/**
 * Refuses a flag that takes a value but was given none (`--checker` last, or followed by another
 * flag): yargs reads it as an empty string, an empty list, or the flag's default (`--db` alone
 * was etcd), which would otherwise mean "not set", a silent default, or a crash later. An
 * explicitly empty value (`--checker ''`, `--checker=`) is refused alike: no flag means
 * anything by it. Only flags written in `argv` are looked at (positional arguments are declared
 * as strings too).
 */
export function refuseMissingValues(args: Record<string, unknown>, argv: readonly string[], declared: DeclaredOptions): void {
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  for (const name of flagNames(declared.string)) {
    if (!givenAsFlag(name, words)) continue;
    const value = args[name];
    const empty = value === '' || (Array.isArray(value) && value.includes(''));
    const bare = words.some((w, i) => (w === flag(name) && !isValue(words[i + 1])) || w === `${flag(name)}=`);
    if (empty || bare) throw new InputError(`${flag(name)} needs a value`);
  }
}

/** Whether the word after a flag is its value: there is one, and it is not a flag (a negative number is a value). */
function isValue(word: string | undefined): boolean {
  return word !== undefined && (!word.startsWith('-') || /^-\d/.test(word));
}
