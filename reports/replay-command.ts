import { shellWord } from '../harness/replay.ts';

// One builder for the run line: the runner's (the report falls back to it for runs stored without one).
export { replayCommand, shellWord } from '../harness/replay.ts';

/** The line that re-checks one history file, for a report made by `faultline check --report`. */
export function checkReplayCommand(file: string, checker: string): string {
  return ['faultline', 'check', file, '--checker', checker].map(shellWord).join(' ');
}
