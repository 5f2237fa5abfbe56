import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestDefinition } from '../../api/define.ts';
import { databaseProblems, definitionProblems, type DatabaseDefinition } from '../../harness/database.ts';
import { InputError, errorText, isInputError } from '../../harness/errors.ts';
import { Registry } from '../../harness/registry.ts';
import { workloads } from '../../workloads/registry.ts';
import { workloadProblems, type Workload } from '../../workloads/workload.ts';
import type { RunEnvironment } from './environment.ts';
import { ownApiImports } from './own-api.ts';

/** A test file, loaded and checked: its definition and the database and workload it runs. */
export interface LoadedTest {
  /** As given on the command line (replay lines repeat it). */
  readonly file: string;
  readonly definition: TestDefinition;
  readonly database: DatabaseDefinition;
  readonly workload: Workload;
}

const TYPESCRIPT = /\.[mc]?ts$/;
const JAVASCRIPT = /\.[mc]?js$/;

/** The settings a definition may give, with what each must be. */
const SETTINGS: Readonly<Record<string, (v: unknown) => boolean>> = {
  nodes: (v) => Number.isInteger(v) && (v as number) >= 1,
  concurrency: (v) => Number.isInteger(v) && (v as number) >= 1,
  rate: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  timeLimit: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  nemesisInterval: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  recovery: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  seed: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
};
const SETTING_WORDS: Readonly<Record<string, string>> = {
  nodes: 'an integer >= 1',
  concurrency: 'an integer >= 1',
  rate: 'a number >= 0',
  timeLimit: 'a number > 0 (seconds)',
  nemesisInterval: 'a number > 0 (seconds)',
  recovery: 'a number >= 0 (seconds)',
  seed: 'a non-negative integer',
};
const OTHER_FIELDS = ['name', 'database', 'workload', 'nemesis', 'isolation', 'consistencyModel', 'options'];

/**
 * Loads a test file (`.ts`, `.mts`, `.js`, `.mjs`) and checks its default export, naming the file
 * and every field that is wrong (InputError: exit 254). The file's `import … from 'faultline'`
 * gets this running faultline (cli/run/own-api.ts).
 *
 * TypeScript loads through tsx's `tsImport`, which faultline ships (Node 20 has no type
 * stripping): nothing to install, and every module of the test's own graph keeps its own
 * `import.meta.url` (a build context `new URL('./server/', import.meta.url)` points where it
 * should). Each file gets its own module instances (a tsImport namespace), so every torture run
 * resolves in its own file's environment. Measured on this 2-core machine under load, five fresh
 * processes each, interleaved: tsImport of a two-file test 0.27–0.64 s; an esbuild bundle
 * written beside it and imported 0.16–0.48 s. esbuild is a little faster, but bundling moves
 * every module's `import.meta.url` and needs a temporary file, and a transform of the one file
 * cannot follow its imports at all. A quarter second once per run does not matter beside a run.
 */
export async function loadTestFile(file: string, env: Pick<RunEnvironment, 'databases' | 'workloads'>): Promise<LoadedTest> {
  const path = resolve(file);
  if (!TYPESCRIPT.test(path) && !JAVASCRIPT.test(path)) throw new InputError('a test file is a .ts, .mts, .js or .mjs module', file);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new InputError('no such file', file);
  const module = await importTestFile(path).catch((err: unknown) => {
    // A helper's InputError (a database definition with problems) is already about a field; anything else is the file's bug.
    if (isInputError(err)) throw new InputError(err.message, file);
    throw new InputError(`could not load it: ${errorText(err, { max: 600 })}`, file);
  });
  const definition = defaultExport(module) as TestDefinition | undefined;
  if (definition === undefined) throw new InputError('no default export: a test file ends with export default defineTest({ database, workload, … })', file);
  if (typeof definition !== 'object' || definition === null) throw new InputError(`the default export must be a test definition (defineTest({ database, workload, … })), got ${typeof definition}`, file);
  const problems: string[] = [];
  for (const key of Object.keys(definition)) if (!(key in SETTINGS) && !OTHER_FIELDS.includes(key)) problems.push(`unknown field ${JSON.stringify(key)} (known: ${[...OTHER_FIELDS, ...Object.keys(SETTINGS)].join(', ')})`);
  for (const [key, ok] of Object.entries(SETTINGS)) {
    const v = (definition as unknown as Record<string, unknown>)[key];
    if (v !== undefined && !ok(v)) problems.push(`${key} must be ${SETTING_WORDS[key]} (got ${JSON.stringify(v)})`);
  }
  const nemesis = definition.nemesis as unknown;
  if (nemesis !== undefined && typeof nemesis !== 'string' && !(Array.isArray(nemesis) && nemesis.every((n) => typeof n === 'string'))) problems.push("nemesis must be fault names: ['partition', 'kill'] or 'partition,kill'");
  if (definition.options !== undefined && (typeof definition.options !== 'object' || definition.options === null || Array.isArray(definition.options))) problems.push('options must be an object of plain JSON values');
  for (const key of ['name', 'isolation', 'consistencyModel'] as const) if (definition[key] !== undefined && typeof definition[key] !== 'string') problems.push(`${key} must be a string`);
  const database = pick('database', definition.database, env.databases, definitionProblems, problems);
  const workload = pick('workload', definition.workload, env.workloads ?? workloads, workloadProblems, problems);
  if (database) {
    let made;
    try {
      made = database.create();
    } catch (err) {
      problems.push(`database.create() threw: ${errorText(err, { name: false })}`);
    }
    if (made) problems.push(...databaseProblems(made).map((p) => `database: ${p}`));
  }
  if (problems.length > 0 || !database || !workload) throw new InputError(problems.join('; '), file);
  return { file, definition, database, workload };
}

/** A test file's own database/workload, or a built-in one named by a string. */
function pick<T extends { readonly name: string }>(field: string, given: T | string | undefined, registry: Registry<T>, check: (t: Partial<T>) => string[], problems: string[]): T | undefined {
  if (given === undefined) {
    problems.push(`${field} is missing (your own, or a built-in ${registry.kind} by name: ${registry.names().join(', ')})`);
    return undefined;
  }
  if (typeof given === 'string') {
    const found = registry.get(given);
    if (!found) problems.push(`${field}: ${registry.unknown(given)}`);
    return found;
  }
  if (typeof given !== 'object' || given === null) {
    problems.push(`${field} must be a ${registry.kind} definition or a built-in ${registry.kind}'s name`);
    return undefined;
  }
  const found = check(given).map((p) => `${field}: ${p}`);
  problems.push(...found);
  return found.length === 0 ? given : undefined;
}

/** The default export; from a CommonJS test file, the `default` its compiled `exports` carry. */
function defaultExport(module: Record<string, unknown>): unknown {
  const d = module.default as Record<string, unknown> | undefined;
  return typeof d === 'object' && d !== null && 'default' in d && !('database' in d) ? d.default : d;
}

async function importTestFile(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  await ownApiImports();
  if (TYPESCRIPT.test(path)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** The run environment with a test file's database and workload registered beside the built-in ones. */
export function withTest(env: RunEnvironment, test: LoadedTest): RunEnvironment {
  const copy = <T extends { readonly name: string }>(from: Registry<T>, add: T): Registry<T> => {
    const to = new Registry<T>(from.kind);
    for (const item of from.all()) to.register(item);
    to.register(add);
    return to;
  };
  return { ...env, databases: copy(env.databases, test.database), workloads: copy(env.workloads ?? workloads, test.workload) };
}
