import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../harness/errors.ts';
import { checkOutputPath } from '../harness/output-path.ts';
import { renderReport } from './render-report.ts';
import type { ReportInput } from './report-input.ts';
import { listRunFiles } from './run-files.ts';

export interface WrittenReport {
  file: string;
  bytes: number;
}

/**
 * Refuses, before any checking, a `--report` path that cannot be written or that is one of the
 * `inputs` (the history would be overwritten with HTML).
 */
export function checkReportPath(path: string, inputs: readonly string[]): Promise<void> {
  return checkOutputPath(path, 'the report', inputs);
}

/**
 * Writes one self-contained report.html: to `out`, or else into `runDir`. With a run folder the
 * report links to the run's files (history, results, node logs) beside it.
 */
export async function writeReport(input: ReportInput & { out?: string }): Promise<WrittenReport> {
  const file = input.out ?? (input.runDir ? join(input.runDir, 'report.html') : undefined);
  if (!file) throw new Error('writeReport needs `out` or `runDir`');
  // Links are relative to the report, so they only make sense when it sits in the run folder.
  const besideRun = input.runDir !== undefined && resolve(dirname(file)) === resolve(input.runDir);
  const files = besideRun ? await listRunFiles(input.runDir!) : undefined;
  const page = await renderReport(input, files);
  try {
    await writeFile(file, page);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write the report: ${code === 'ENOENT' ? 'no such folder' : code === 'EISDIR' ? 'is a folder' : (code ?? String(err))}`, file);
  }
  return { file, bytes: Buffer.byteLength(page) };
}
