import { InputError } from './errors.ts';
import type { TestSpec } from './test-spec.ts';

export interface NemesisArg {
  /** Fault classes in the order given. */
  names: string[];
  /** Variants per class, for the classes that were given some. */
  variants: Record<string, string[]>;
}

/**
 * `--nemesis partition:one+primaries,kill` → `{ names: ['partition', 'kill'], variants: {
 * partition: ['one', 'primaries'] } }`. Checks the syntax only; the factories check the names.
 */
export function parseNemesisArg(text: string): NemesisArg {
  const names: string[] = [];
  const variants: Record<string, string[]> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name = '', list, ...extra] = part.split(':').map((s) => s.trim());
    if (name === '' || extra.length > 0 || list === '') throw new InputError(`--nemesis: ${JSON.stringify(part)} is not NAME or NAME:VARIANT+VARIANT`);
    if (names.includes(name)) throw new InputError(`--nemesis names ${name} twice; give its variants once, joined with + (${name}:a+b)`);
    names.push(name);
    if (list !== undefined) variants[name] = [...new Set(list.split('+').map((v) => v.trim()).filter((v) => v !== ''))];
  }
  return { names, variants };
}

/** The `--nemesis` value that gives back `spec`'s fault classes and variants. */
export function formatNemesisArg(spec: Pick<TestSpec, 'nemesis' | 'nemesisVariants'>): string {
  return spec.nemesis.map((n) => (spec.nemesisVariants?.[n]?.length ? `${n}:${spec.nemesisVariants[n]!.join('+')}` : n)).join(',');
}
