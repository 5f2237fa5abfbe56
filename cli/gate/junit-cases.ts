import type { CheckResult } from '../../harness/result.ts';
import type { RunResult } from '../../harness/store/run-result.ts';
import type { JUnitCase, JUnitOutcome, JUnitSuite } from './junit.ts';

/** The part of a checker's result a JUnit case shows. */
export type CheckerOutcome = Pick<CheckResult, 'valid' | 'anomalyTypes' | 'anomalies' | 'error' | 'notModels' | 'stats' | 'vacuous' | 'vacuousReason'> & {
  /** Anomalies found, when `anomalies` holds only the first few (a torture summary). */
  anomalyCount?: number;
};

/** What one JUnit suite is drawn from: a run, a re-checked run, a torture run, or a checked file. */
export interface CheckedSubject {
  /** The suite's name (test name, torture run id, file path). */
  name: string;
  startedAt?: string;
  durationMs?: number;
  checkers: Readonly<Record<string, CheckerOutcome>>;
  /**
   * Why the run cannot pass whatever its checkers said. Present for runs (a `run` case is added:
   * passed when empty); absent for a checked file.
   */
  incomplete?: readonly string[];
  properties?: Readonly<Record<string, string>>;
  /** How to reproduce it, printed with every failure. */
  replay?: string;
  /** The run folder, for the suite's output. */
  dir?: string;
}

function checkerOutcome(name: string, r: CheckerOutcome, replay: string | undefined): JUnitOutcome {
  const tail = replay ? `\n\nreplay: ${replay}` : '';
  // A vacuous pass checked nothing: the gate counts it as unknown (checkers/vacuous.ts).
  if (r.valid === true && r.vacuous) {
    const why = `${name} had nothing to check: ${r.vacuousReason ?? 'its pass is vacuous'}`;
    return { kind: 'error', type: 'vacuous', message: `unknown: ${why}`, text: why + tail };
  }
  if (r.valid === true) return { kind: 'passed' };
  if (r.valid === false) {
    const total = r.anomalyCount ?? r.anomalies.length;
    const first = r.anomalies[0];
    const lines = r.anomalies.map((a) => `${a.type}${a.key === undefined ? '' : ` (key ${JSON.stringify(a.key)})`}: ${a.text}`);
    if (total > r.anomalies.length) lines.push(`… and ${total - r.anomalies.length} more (see results.json)`);
    if (r.notModels?.length) lines.push(`ruled out: ${r.notModels.join(', ')}`);
    return {
      kind: 'failure',
      type: r.anomalyTypes.join(',') || 'invalid',
      message: first ? `${first.type}: ${first.text}` : `${name} found the history invalid${r.error ? `: ${r.error}` : ''}`,
      text: (lines.join('\n') || r.error || 'invalid') + tail,
    };
  }
  // Unknown fails closed: an error case, so no CI system counts it as a pass.
  const why = r.error ?? `${name} could not decide`;
  return { kind: 'error', type: 'unknown', message: `unknown: ${why}`, text: why + tail };
}

/** One case per checker (in the order they ran), then — for a run — one case for the run itself. */
export function junitSuite(subject: CheckedSubject): JUnitSuite {
  const cases: JUnitCase[] = Object.entries(subject.checkers).map(([name, r]) => ({
    name,
    classname: subject.name,
    ...(typeof r.stats?.checkMs === 'number' ? { timeMs: r.stats.checkMs } : {}),
    outcome: checkerOutcome(name, r, subject.replay),
  }));
  if (subject.incomplete !== undefined) {
    const reasons = subject.incomplete;
    cases.push({
      name: 'run',
      classname: subject.name,
      ...(subject.durationMs === undefined ? {} : { timeMs: subject.durationMs }),
      outcome:
        reasons.length === 0
          ? { kind: 'passed' }
          : { kind: 'error', type: 'incomplete', message: reasons.join('; '), text: reasons.join('\n') + (subject.replay ? `\n\nreplay: ${subject.replay}` : '') },
    });
  }
  const out = [subject.dir ? `run folder: ${subject.dir}` : '', subject.replay ? `replay: ${subject.replay}` : ''].filter((l) => l !== '').join('\n');
  return {
    name: subject.name,
    ...(subject.startedAt ? { timestamp: subject.startedAt } : {}),
    ...(subject.durationMs === undefined ? {} : { timeMs: subject.durationMs }),
    ...(subject.properties ? { properties: subject.properties } : {}),
    cases,
    ...(out ? { systemOut: out } : {}),
  };
}

/** A run's results as a suite named `name` (default: the test's name). */
export function runSubject(r: RunResult, name = r.test): CheckedSubject {
  return {
    name,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    checkers: r.checkers,
    incomplete: r.incomplete ?? [],
    properties: { test: r.test, db: r.db, workload: r.workload, seed: String(r.seed), dir: r.dir },
    replay: r.replay,
    dir: r.dir,
  };
}
