import { writeFile } from 'node:fs/promises';
import { create } from 'xmlbuilder2';
import { checkOutputPath } from '../../harness/output-path.ts';
import { InputError } from '../../harness/errors.ts';

/** What happened to one test case. A JUnit `failure` is a finding; an `error` is "could not decide". */
export type JUnitOutcome =
  | { readonly kind: 'passed' }
  | {
      readonly kind: 'failure' | 'error';
      /** A short class for the problem (`G2-item`, `unknown`, `incomplete`). */
      readonly type: string;
      /** One line, shown by CI systems beside the test name. */
      readonly message: string;
      /** The full explanation, shown when the case is opened. */
      readonly text: string;
    };

/** One `<testcase>`: here, one checker of one run (or the run itself). */
export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  readonly timeMs?: number;
  readonly outcome: JUnitOutcome;
}

/** One `<testsuite>`: here, one run or one checked file. */
export interface JUnitSuite {
  readonly name: string;
  /** ISO 8601, when the suite started. */
  readonly timestamp?: string;
  readonly timeMs?: number;
  /** Shown as `<properties>` (seed, database, replay command…). */
  readonly properties?: Readonly<Record<string, string>>;
  readonly cases: readonly JUnitCase[];
  /** Free text for `<system-out>` (where the run folder is, how to replay it). */
  readonly systemOut?: string;
}

const MESSAGE_CHARS = 1000;

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS - 1)}…` : line;
}

/**
 * JUnit XML as CI systems read it (the Ant/Surefire shape Jenkins, GitLab, GitHub test-report
 * actions and Buildkite accept): `<testsuites>` of `<testsuite>`s of `<testcase>`s, each with at
 * most one `<failure>` or `<error>`. Values from histories and databases are escaped by the XML
 * builder; characters XML cannot carry at all (NUL, most control characters) become U+FFFD.
 */
export function renderJUnit(suites: readonly JUnitSuite[], name = 'faultline'): string {
  const count = (kind: 'failure' | 'error', cases: readonly JUnitCase[]) => cases.filter((c) => c.outcome.kind === kind).length;
  const all = suites.flatMap((s) => s.cases);
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' } as Parameters<typeof create>[0]).ele('testsuites', {
    name,
    tests: String(all.length),
    failures: String(count('failure', all)),
    errors: String(count('error', all)),
    time: seconds(suites.reduce((t, s) => t + (s.timeMs ?? 0), 0)),
  });
  suites.forEach((suite, id) => {
    const s = root.ele('testsuite', {
      name: suite.name,
      id: String(id),
      tests: String(suite.cases.length),
      failures: String(count('failure', suite.cases)),
      errors: String(count('error', suite.cases)),
      skipped: '0',
      time: seconds(suite.timeMs),
      ...(suite.timestamp ? { timestamp: suite.timestamp.replace(/Z$/, '') } : {}),
    });
    const props = Object.entries(suite.properties ?? {});
    if (props.length > 0) {
      const p = s.ele('properties');
      for (const [k, v] of props) p.ele('property', { name: k, value: v });
    }
    for (const c of suite.cases) {
      const tc = s.ele('testcase', { name: c.name, classname: c.classname, time: seconds(c.timeMs) });
      if (c.outcome.kind !== 'passed') tc.ele(c.outcome.kind, { message: oneLine(c.outcome.message), type: c.outcome.type }).txt(c.outcome.text);
    }
    if (suite.systemOut) s.ele('system-out').txt(suite.systemOut);
  });
  return root.end({ prettyPrint: true }) + '\n';
}

/** Writes the JUnit file; a path that cannot be written is the user's input error (exit 254). */
export async function writeJUnit(file: string, suites: readonly JUnitSuite[]): Promise<void> {
  try {
    await writeFile(file, renderJUnit(suites));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write the JUnit file: ${code === 'ENOENT' ? 'no such folder' : code === 'EISDIR' ? 'is a folder' : (code ?? String(err))}`, file);
  }
}

/** Fails before any work when the JUnit file could not be written at the end, or is one of `inputs` (exit 254). */
export function checkWritable(file: string, inputs: readonly string[] = []): Promise<void> {
  return checkOutputPath(file, 'the JUnit file', inputs);
}
