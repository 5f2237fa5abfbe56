import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import { readRun } from '../../harness/store/run-folder.ts';
import { runReportInput } from '../../reports/report-input.ts';
import { formatBytes } from '../../reports/run-files.ts';
import { writeReport } from '../../reports/write-report.ts';

interface ReportArgs {
  'run-dir': string;
  out?: string;
}

/** `faultline report RUN_DIR`: (re)writes report.html from a stored run. */
export function reportCommand(): CommandModule<object, ReportArgs> {
  return {
    ...usage('report'),
    builder: (y: Argv) =>
      y
        .positional('run-dir', { type: 'string', demandOption: true, describe: 'the run folder' })
        .option('out', { type: 'string', describe: 'write the report here instead of RUN_DIR/report.html' }) as unknown as Argv<ReportArgs>,
    handler: async (args) => {
      const run = await readRun(args['run-dir']);
      const { file, bytes } = await writeReport({ ...runReportInput(run), ...(args.out ? { out: args.out } : {}) });
      process.stdout.write(`wrote ${file} (${formatBytes(bytes)})\n`);
    },
  };
}
