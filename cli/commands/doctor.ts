import chalk from 'chalk';
import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import type { CheckStatus } from '../../docker/doctor.ts';
import { EXIT } from '../../harness/errors.ts';
import { makePrinter } from '../output.ts';

interface DoctorArgs {
  json: boolean;
}

const MARK: Record<CheckStatus, string> = { ok: chalk.green('ok  '), warn: chalk.yellow('warn'), fail: chalk.red('FAIL') };

/** Exit 0 when a default run can work here, 1 when a check failed. */
export function doctorCommand(setExit: (code: number) => void): CommandModule<object, DoctorArgs> {
  return {
    ...usage('doctor'),
    builder: (y: Argv) =>
      y.option('json', { type: 'boolean', default: false, describe: 'print only the checks as JSON on stdout' }).strict() as unknown as Argv<DoctorArgs>,
    handler: async (args) => {
      const print = makePrinter(args.json);
      // Loaded here: dockerode is slow to load and other commands never need it.
      const { doctorChecks } = await import('../../docker/doctor.ts');
      const checks = await doctorChecks();
      const width = Math.max(...checks.map((c) => c.name.length));
      for (const c of checks) print(`${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
      const ok = checks.every((c) => c.status !== 'fail');
      if (args.json) process.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
      setExit(ok ? EXIT.valid : EXIT.invalid);
    },
  };
}
