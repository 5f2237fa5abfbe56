/**
 * Each command's usage and its line in `faultline --help`. The list needs no command module, so
 * `--help` and every command load only the code they run (cli/main.ts); each command module takes
 * its usage from here.
 */
export const USAGE = {
  run: { command: 'run', describe: 'run a test: start a cluster, drive the workload (and faults), check the history' },
  check: { command: 'check <files..>', describe: 'check stored histories (faultline JSONL, Jepsen EDN/JSON, Porcupine logs), or re-check run folders' },
  clean: { command: 'clean', describe: 'remove containers and networks left by runs whose controller died (--all: every run)' },
  doctor: { command: 'doctor', describe: 'what this machine supports: engine, images, iptables in a netns, netem, libfaketime, chromium' },
  report: { command: 'report <run-dir>', describe: '(re)write report.html from a stored run (store/<test>/<timestamp>/)' },
  serve: { command: 'serve', describe: 'browse stored runs and their reports in a web browser' },
  torture: { command: 'torture', describe: 'many runs over a matrix of seeds × fault mixes × workloads × databases; a summary table, JSON and JUnit' },
} as const satisfies Record<string, { command: string; describe: string }>;

export type CommandName = keyof typeof USAGE;

export const COMMAND_NAMES = Object.keys(USAGE) as CommandName[];
