import { readFile } from 'node:fs/promises';
import { LineCounter, isAlias, isMap, isSeq, parseDocument, visit, type Document } from 'yaml';
import { InputError } from '../../harness/errors.ts';
import { checkTestName } from '../../harness/store/store.ts';
import { TEST_DEFAULTS } from '../../harness/test-spec.ts';
import { ISOLATIONS } from '../../workloads/sql/sql-dialect.ts';
import { readNumber, RUN_SETTING_BOUNDS } from '../number-flag.ts';

/** A database or workload in the matrix, possibly with its own options (several variants of one). */
export interface Variant {
  /** The registered name (`etcd`, `register`). */
  readonly name: string;
  /** How runs are named and shown; defaults to `name`. Unique within its dimension. */
  readonly label: string;
  /** Options for this variant (merged over the matrix's shared `options`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Databases only: the isolation level, over the matrix's. */
  readonly isolation?: string;
  /** Nodes for runs of this variant, over the matrix's (a workload's over a database's). */
  readonly nodes?: number;
}

/** What every run of the session shares (the `faultline run` flags). */
export interface RunSettings {
  /** Unset: each workload's default (cli/commands/run.ts, `defaultNodes`). */
  readonly nodes?: number;
  readonly concurrency: number;
  readonly rate: number;
  readonly timeLimit: number;
  readonly nemesisInterval: number;
  readonly recovery: number;
  readonly isolation?: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** A torture session's matrix: seeds × fault combinations × workloads × databases. */
export interface Matrix {
  readonly databases: readonly Variant[];
  readonly workloads: readonly Variant[];
  /** Fault combinations; `[]` is a run without faults. */
  readonly nemesis: readonly (readonly string[])[];
  /** Runs per combination, each with its own seed derived from the session's. */
  readonly seeds: number;
  readonly run: RunSettings;
}

/** A matrix as given (file or flags): every field optional, filled from defaults later. */
export interface MatrixInput {
  seed?: number;
  databases?: Variant[];
  workloads?: Variant[];
  nemesis?: string[][];
  seeds?: number;
  run?: Partial<RunSettings>;
}

const { nodes: _nodes, ...SHARED_DEFAULTS } = TEST_DEFAULTS;
export const RUN_DEFAULTS: RunSettings = { ...SHARED_DEFAULTS, options: {} };

/** Fills what neither the flags nor the file gave. `over` (the flags) wins over `base` (the file). */
export function completeMatrix(base: MatrixInput, over: MatrixInput, defaults: { databases: string[]; workloads: string[] }): Matrix & { seed?: number } {
  const pick = <K extends keyof MatrixInput>(k: K) => over[k] ?? base[k];
  const run = { ...RUN_DEFAULTS, ...base.run, ...over.run, options: { ...base.run?.options, ...over.run?.options } };
  const seed = pick('seed');
  return {
    databases: pick('databases') ?? defaults.databases.map((name) => variant(name)),
    workloads: pick('workloads') ?? defaults.workloads.map((name) => variant(name)),
    nemesis: pick('nemesis') ?? [[]],
    seeds: pick('seeds') ?? 1,
    run,
    ...(seed === undefined ? {} : { seed }),
  };
}

export function variant(name: string, label = name, options: Record<string, unknown> = {}, more: { isolation?: string; nodes?: number } = {}): Variant {
  return { name, label, options, ...(more.isolation === undefined ? {} : { isolation: more.isolation }), ...(more.nodes === undefined ? {} : { nodes: more.nodes }) };
}

/** `partition,kill` or `none` → a fault combination (each `NAME` or `NAME:VARIANT+VARIANT`, as for run). */
export function parseFaults(text: string): string[] {
  const t = text.trim();
  if (t === 'none' || t === '') return [];
  return t.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The fault class of a combination's entry: `partition:one+majority` → partition. */
export function faultName(entry: string): string {
  return entry.split(':')[0]!.trim();
}

/** Names the file format and every problem, with line numbers (STYLE.md #3). */
class Problems {
  readonly list: { line?: number; message: string }[] = [];
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  add(path: (string | number)[], message: string): void {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    this.list.push({ ...(range ? { line: this.lines.linePos(range[0]).line } : {}), message });
  }

  error(file: string): InputError | undefined {
    if (this.list.length === 0) return undefined;
    if (this.list.length === 1) return new InputError(this.list[0]!.message, file, this.list[0]!.line);
    return new InputError(`${this.list.length} problems: ${this.list.map((p) => `${p.line === undefined ? '' : `line ${p.line}: `}${p.message}`).join('; ')}`, file);
  }
}

/**
 * Runs per combination. Each run takes at least its time limit plus a cluster's start, so 10,000
 * seeds of one combination are a week of 60-second runs; a larger number is a typo, and the
 * planner would hold every run in memory before the first started.
 */
export const MAX_SEEDS = 10_000;

/** A matrix file is a few dozen lines; past this it is not one (and deep nesting stays small). */
const MAX_MATRIX_BYTES = 64 * 1024;

/** YAML aliases (`*name`) one file may expand: a few reuse a list, many are a "billion laughs" bomb. */
const MAX_ALIASES = 100;

const SETTINGS: Record<keyof typeof RUN_SETTING_BOUNDS, keyof RunSettings> = {
  nodes: 'nodes',
  concurrency: 'concurrency',
  rate: 'rate',
  'time-limit': 'timeLimit',
  'nemesis-interval': 'nemesisInterval',
  recovery: 'recovery',
};
const KEYS = ['seed', 'seeds', 'databases', 'workloads', 'nemesis', 'isolation', 'options', ...Object.keys(SETTINGS)];

/** Names the matrix may use: the registries of this build. */
export interface KnownNames {
  databases: readonly string[];
  workloads: readonly string[];
  nemeses: readonly string[];
}

/**
 * Reads a matrix file, YAML or JSON (JSON is YAML), and reports every problem at once with its
 * line: unknown keys and names, wrong types, duplicate labels.
 *
 * ```yaml
 * seeds: 2                          # runs per combination
 * databases: [etcd, {db: postgres, label: pg-rr, isolation: repeatable-read}]
 * workloads: [register, {workload: register, label: stale-reads, options: {readConsistency: serializable}}]
 * nemesis: [none, partition, [kill, pause]]
 * time-limit: 30
 * nodes: 3
 * ```
 */
export async function readMatrixFile(file: string, known: KnownNames): Promise<MatrixInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the matrix file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
  return parseMatrix(text, file, known);
}

export function parseMatrix(text: string, file: string, known: KnownNames): MatrixInput {
  if (text.length > MAX_MATRIX_BYTES) throw new InputError(`a matrix file is at most ${MAX_MATRIX_BYTES / 1024} KB (this one is ${Math.ceil(text.length / 1024)} KB); is it the right file?`, file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const what = e.message.includes('call stack') ? 'nested too deeply' : e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`not valid YAML or JSON: ${what}`, file, e.linePos?.[0].line);
  }
  const problems = new Problems(doc, lines);
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    throw new InputError(`its YAML aliases (*name) expand to too much data (a "billion laughs" file?); write the values out instead`, file, firstAliasLine(doc, lines));
  }
  if (!isMap(doc.contents) || typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new InputError('expected a mapping of matrix keys (databases, workloads, nemesis, seeds, …)', file, 1);
  }
  const o = root as Record<string, unknown>;
  const out: MatrixInput = {};
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) problems.add([k], `unknown key ${JSON.stringify(k)}; expected one of ${KEYS.join(', ')}`);

  const count = (k: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (o[k] === undefined) return undefined;
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < min) problems.add([k], `${k} must be an integer >= ${min} (got ${JSON.stringify(o[k])})`);
    else if ((o[k] as number) > max) problems.add([k], `${k} must be at most ${max} (got ${o[k]}); a session that large would never finish`);
    return o[k] as number;
  };
  const seed = count('seed', 0);
  if (seed !== undefined) out.seed = seed;
  const seeds = count('seeds', 1, MAX_SEEDS);
  if (seeds !== undefined) out.seeds = seeds;

  const run: Partial<Record<keyof RunSettings, unknown>> = {};
  for (const [key, field] of Object.entries(SETTINGS) as [keyof typeof SETTINGS, keyof RunSettings][]) {
    const v = o[key];
    if (v === undefined) continue;
    try {
      // `time-limit: 2m` reads as the flag would; `time-limit:` (null) has no value; a list or mapping is no number.
      run[field] = readNumber(key, v === null ? '' : typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v), RUN_SETTING_BOUNDS[key]);
    } catch (err) {
      problems.add([key], (err as Error).message);
    }
  }
  if (o.isolation !== undefined) {
    if (typeof o.isolation !== 'string' || !(ISOLATIONS as readonly string[]).includes(o.isolation)) problems.add(['isolation'], isolationProblem(o.isolation));
    else run.isolation = o.isolation;
  }
  if (o.options !== undefined) {
    if (!isPlainObject(o.options)) problems.add(['options'], 'options must be a mapping of option names to values');
    else run.options = o.options;
  }
  out.run = run as Partial<RunSettings>;

  const variants = (key: 'databases' | 'workloads', nameKey: 'db' | 'workload', names: readonly string[]) => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!isSeq(doc.get(key)) || !Array.isArray(v) || v.length === 0) {
      problems.add([key], `${key} must be a non-empty list`);
      return undefined;
    }
    const list: Variant[] = [];
    v.forEach((item: unknown, i) => {
      const at = [key, i];
      let parsed: Variant | undefined;
      if (typeof item === 'string') parsed = variant(item);
      else if (isPlainObject(item)) {
        const allowed = [nameKey, 'label', 'options', 'nodes', ...(key === 'databases' ? ['isolation'] : [])];
        for (const k of Object.keys(item)) if (!allowed.includes(k)) problems.add([...at, k], `unknown key ${JSON.stringify(k)} in a ${nameKey} entry; expected ${allowed.join(', ')}`);
        const name = item[nameKey];
        const label = item.label ?? name;
        if (typeof name !== 'string') problems.add(at, `a ${nameKey} entry needs "${nameKey}: NAME"`);
        else if (typeof label !== 'string') problems.add([...at, 'label'], 'label must be a string');
        else if (item.options !== undefined && !isPlainObject(item.options)) problems.add([...at, 'options'], 'options must be a mapping');
        else if (item.isolation !== undefined && (typeof item.isolation !== 'string' || !(ISOLATIONS as readonly string[]).includes(item.isolation))) problems.add([...at, 'isolation'], isolationProblem(item.isolation));
        else if (item.nodes !== undefined && (!Number.isSafeInteger(item.nodes) || (item.nodes as number) < 1)) problems.add([...at, 'nodes'], `nodes must be an integer >= 1 (got ${JSON.stringify(item.nodes)})`);
        else parsed = variant(name, label, (item.options as Record<string, unknown>) ?? {}, { isolation: item.isolation as string | undefined, nodes: item.nodes as number | undefined });
      } else problems.add(at, `expected a ${nameKey} name or {${nameKey}: NAME, label, options}`);
      if (!parsed) return;
      if (!names.includes(parsed.name)) problems.add(at, `unknown ${nameKey} ${JSON.stringify(parsed.name)}; expected one of ${names.join(', ') || '(none in this build)'}`);
      else if (!labelOk(parsed.label)) problems.add(at, `label ${JSON.stringify(parsed.label)} must be letters, digits, '.', '_' or '-' (it names the runs' store folders)`);
      else if (list.some((x) => x.label === parsed.label)) problems.add(at, `two ${key} have the label ${JSON.stringify(parsed.label)}; give one a different label`);
      else list.push(parsed);
    });
    return list;
  };
  const databases = variants('databases', 'db', known.databases);
  if (databases) out.databases = databases;
  const workloads = variants('workloads', 'workload', known.workloads);
  if (workloads) out.workloads = workloads;

  if (o.nemesis !== undefined) {
    if (!Array.isArray(o.nemesis) || o.nemesis.length === 0) problems.add(['nemesis'], 'nemesis must be a non-empty list of fault combinations ("none", "partition", "kill,pause" or [kill, pause])');
    else {
      const combos: string[][] = [];
      o.nemesis.forEach((item: unknown, i) => {
        const faults = typeof item === 'string' ? parseFaults(item) : Array.isArray(item) && item.every((f) => typeof f === 'string') ? item.map((f: string) => f.trim()) : undefined;
        if (!faults) return problems.add(['nemesis', i], 'a fault combination is "none", "partition,kill" or a list of fault names');
        const unknown = faults.filter((f) => !known.nemeses.includes(faultName(f)));
        if (unknown.length > 0) return problems.add(['nemesis', i], `unknown nemesis ${unknown.map((u) => JSON.stringify(faultName(u))).join(', ')}; expected one of ${known.nemeses.join(', ') || '(none in this build)'}`);
        const combo = [...new Set(faults)].sort();
        if (combos.some((c) => faultLabel(c) === faultLabel(combo))) return problems.add(['nemesis', i], `the fault combination ${faultLabel(combo)} is listed twice`);
        combos.push(combo);
      });
      out.nemesis = combos;
    }
  }
  const err = problems.error(file);
  if (err) throw err;
  return out;
}

/** How a fault combination appears in run names: `none`, `partition`, `kill.pause`, `partition_one_majority`. */
export function faultLabel(faults: readonly string[]): string {
  return faults.length === 0 ? 'none' : faults.map((f) => f.replace(/[^A-Za-z0-9_-]+/g, '_')).join('.');
}

function isolationProblem(given: unknown): string {
  return `isolation must be one of ${ISOLATIONS.join(', ')} (got ${JSON.stringify(given)})`;
}

/** Where the first alias is, to point at the bomb. */
function firstAliasLine(doc: Document, lines: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.range) line = lines.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

function labelOk(label: string): boolean {
  try {
    checkTestName(label);
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
