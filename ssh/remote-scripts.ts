import { readFileSync } from 'node:fs';

/**
 * The shell scripts faultline runs on a host (ssh/scripts/*.sh: POSIX sh, coreutils, util-linux
 * and awk, which every Debian host has). Each is sent whole with its command (`sh -c SCRIPT …`),
 * so nothing is installed on a host and `cleanHosts` works whatever a crashed run left there.
 *
 * Supervision: every command faultline starts runs in a session of its own (`setsid`), recorded in
 * the run directory (`procs/bg-<sid>` for background starts, `procs/fg-<id>` while a foreground
 * command runs). The run's processes are the members of those sessions and their descendants
 * (scripts/members.sh): that finds a database's children wherever they are, and never a process
 * faultline did not start. A daemon that double-forks into a session of its own escapes it: run
 * servers in the foreground, as faultline's databases do.
 */
function script(name: string): string {
  const text = readFileSync(new URL(`./scripts/${name}.sh`, import.meta.url), 'utf8');
  // Comments only lengthen every command line (and what `ps` shows while a script runs).
  return text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
}

const members = script('members');

export const SCRIPTS = {
  launch: script('launch'),
  list: members + script('list'),
  signal: members + script('signal'),
  tree: members + script('tree'),
  killForeground: members + script('kill-fg'),
  teardown: members + script('teardown'),
  setup: script('setup'),
  runs: script('runs'),
  preflight: script('preflight'),
} as const;
