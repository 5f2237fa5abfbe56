import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import type { ReapReport } from '../../docker/reaper.ts';
import { EXIT } from '../../harness/errors.ts';
import { makePrinter } from '../output.ts';

interface CleanArgs {
  all: boolean;
  json: boolean;
}

export function cleanCommand(setExit: (code: number) => void): CommandModule<object, CleanArgs> {
  return {
    ...usage('clean'),
    builder: (y: Argv) =>
      y
        .option('all', { type: 'boolean', default: false, describe: 'also remove runs whose controller is still alive' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the report JSON on stdout' })
        .strict() as unknown as Argv<CleanArgs>,
    handler: async (args) => {
      const print = makePrinter(args.json);
      // Loaded here, not at the top: dockerode is slow to load and other commands never need it.
      const { dockerClient, engineAnswers } = await import('../../docker/engine.ts');
      const { reapRuns } = await import('../../docker/reaper.ts');
      if (!(await engineAnswers())) {
        print('no Docker engine answers: nothing is running to clean (a run reaps stopped leftovers when it starts the engine again)');
        if (args.json) process.stdout.write(`${JSON.stringify({ engine: false, removed: [], containers: 0, networks: 0, spared: [] })}\n`);
        setExit(EXIT.valid);
        return;
      }
      const report: ReapReport = await reapRuns(dockerClient(), { all: args.all, log: print });
      print(`removed ${report.containers} containers and ${report.networks} networks of ${report.removed.length} runs`);
      for (const s of report.spared) print(`spared run ${s.runId}: controller ${s.liveness === 'alive' ? 'still running' : 'on another host'} (--all removes it)`);
      if (args.json) process.stdout.write(`${JSON.stringify({ engine: true, ...report }, null, 2)}\n`);
      setExit(EXIT.valid);
    },
  };
}
