import type { CommandModule } from 'yargs';
import type { RunEnvironment } from '../run/environment.ts';

/** What a command's module is made with. */
export interface CommandContext {
  setExit(code: number): void;
  /** Where `run` and `torture` get their backend and databases (tests pass a fake one). */
  environment?: () => Promise<RunEnvironment>;
}

export type Command = CommandModule<object, never>;

interface Entry {
  /** Usage, as yargs reads it. */
  command: string;
  /** The command's line in `faultline --help`. */
  describe: string;
  /** Imports the command's module, only when the command runs. */
  load(context: CommandContext): Promise<Command>;
}

/**
 * The commands, one entry each. `faultline --help` lists them from here without loading any
 * command's module; only the command that runs is imported (cli/main.ts), so `--help` loads no
 * checker, Docker or report code and `check` no Docker code: start-up is what a CI step pays per
 * call. Each command's module takes its usage from its entry.
 */
export const COMMANDS = {
  run: {
    command: 'run',
    describe: 'run a test: start a cluster, drive the workload (and faults), check the history',
    load: async (c) => (await import('./run.ts')).runCommand(c.setExit, c.environment) as Command,
  },
  check: {
    command: 'check <files..>',
    describe: 'check stored histories (faultline JSONL, Jepsen EDN/JSON, Porcupine logs), or re-check run folders',
    load: async (c) => (await import('./check.ts')).checkCommand(c.setExit) as Command,
  },
  clean: {
    command: 'clean',
    describe: 'remove containers and networks left by runs whose controller died (--all: every run)',
    load: async (c) => (await import('./clean.ts')).cleanCommand(c.setExit) as Command,
  },
  doctor: {
    command: 'doctor',
    describe: 'what this machine supports: engine, images, iptables in a netns, netem, libfaketime, chromium',
    load: async (c) => (await import('./doctor.ts')).doctorCommand(c.setExit) as Command,
  },
  report: {
    command: 'report <run-dir>',
    describe: '(re)write report.html from a stored run (store/<test>/<timestamp>/)',
    load: async () => (await import('./report.ts')).reportCommand() as Command,
  },
  serve: {
    command: 'serve',
    describe: 'browse stored runs and their reports in a web browser',
    load: async () => (await import('./serve.ts')).serveCommand() as Command,
  },
  torture: {
    command: 'torture',
    describe: 'many runs over a matrix of seeds × fault mixes × workloads × databases; a summary table, JSON and JUnit',
    load: async (c) => (await import('./torture.ts')).tortureCommand(c.setExit, c.environment) as Command,
  },
} as const satisfies Record<string, Entry>;

export type CommandName = keyof typeof COMMANDS;

/** A command's usage and description, for its module. */
export function usage(name: CommandName): { command: string; describe: string } {
  const { command, describe } = COMMANDS[name];
  return { command, describe };
}
