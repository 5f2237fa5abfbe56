import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { fakeEnvironment } from '../test/support/fake-cluster.ts';
import { runCli } from '../test/support/cli-in-process.ts';
import { COMMANDS, type CommandName } from './commands/index.ts';
import { nearestFlag, type DeclaredOptions } from './strict-flags.ts';

// `run` and `torture` get a fake environment: if a refusal ever failed, they start no Docker.
const cli = (...argv: string[]) => runCli(argv, { environment: async () => fakeEnvironment({}) });

/** A value for each positional argument the command's usage names (`check <files..>`), so only the flag is wrong. */
function positionals(name: CommandName): string[] {
  return [...COMMANDS[name].command.matchAll(/<[^>]+>/g)].map(() => 'placeholder');
}

/** The flags the command's module declares (as its builder leaves them) and whether each takes a value. */
async function helpFlags(name: CommandName): Promise<{ flag: string; takesValue: boolean }[]> {
  const command = await COMMANDS[name].load({ setExit: () => {} });
  const y = yargs([]);
  const built = (typeof command.builder === 'function' ? command.builder(y as never) : y) as unknown as { getOptions(): DeclaredOptions & { boolean: string[] } };
  const options = built.getOptions();
  const positional = [...COMMANDS[name].command.matchAll(/<([^.>]+)/g)].map((m) => m[1]);
  return Object.keys(options.key)
    .filter((flag) => flag !== 'help' && flag !== 'version' && !positional.includes(flag) && !/[a-z][A-Z]/.test(flag))
    .map((flag) => ({ flag, takesValue: !options.boolean.includes(flag) }));
}

/** `--checker` → `--chekcer`: two neighbouring letters swapped, as fingers do. */
function typo(flag: string): string {
  const i = Math.floor(flag.length / 2);
  return flag.slice(0, i - 1) + flag[i] + flag[i - 1] + flag.slice(i + 1);
}

const names = Object.keys(COMMANDS) as CommandName[];

describe('every command refuses what it does not declare', () => {
  it.each(names)('%s: an unknown flag is 254 and names it', async (name) => {
    const r = await cli(name, ...positionals(name), '--surely-not-a-flag');
    expect(r.code).toBe(254);
    expect(r.stderr).toBe(`faultline: ${name}: unknown flag --surely-not-a-flag (see faultline ${name} --help)\n`);
    expect(r.stdout).toBe('');
  });

  it.each(names)('%s: a mistyped flag is 254 with "did you mean" its flag', async (name) => {
    const flags = (await helpFlags(name)).filter((f) => f.flag.length >= 3);
    expect(flags.length).toBeGreaterThan(0);
    for (const { flag, takesValue } of flags) {
      const wrong = typo(flag);
      if (wrong === flag) continue;
      const r = await cli(name, ...positionals(name), `--${wrong}`, ...(takesValue ? ['1'] : []));
      expect(r.code, `--${wrong}`).toBe(254);
      expect(r.stderr).toContain(`faultline: ${name}: unknown flag --${wrong}; did you mean --${flag}?`);
    }
  });

  it.each(names)('%s: each flag that takes a value, given none, is 254 naming it', async (name) => {
    const flags = await helpFlags(name);
    for (const { flag } of flags.filter((f) => f.takesValue)) {
      // Last, followed by another of the command's flags, and `--flag=`.
      const other = flags.find((f) => f.flag !== flag);
      const next = other === undefined ? [] : [`--${other.flag}`, ...(other.takesValue ? ['1'] : [])];
      for (const argv of [[`--${flag}`], [`--${flag}`, ...next], [`--${flag}=`]]) {
        const r = await cli(name, ...positionals(name), ...argv);
        expect(r.code, argv.join(' ')).toBe(254);
        expect(r.stderr).toMatch(new RegExp(`^faultline: --${flag} (needs a value|must be )`));
      }
    }
  });

  it('an unknown flag is named even when yargs first finds a missing argument', async () => {
    const r = await cli('check', '--chekcer', 'linearizable');
    expect(r.code).toBe(254);
    expect(r.stderr).toBe('faultline: check: unknown flag --chekcer; did you mean --checker? (see faultline check --help)\n');
    expect((await cli('check')).stderr).toBe('faultline: Not enough non-option arguments: got 0, need at least 1 (see faultline check --help)\n');
  });

  it('a mistyped command is 254 with the command it meant', async () => {
    const r = await cli('chek', 'h.edn');
    expect(r.code).toBe(254);
    expect(r.stderr).toBe('faultline: unknown command "chek"; did you mean check? (see faultline --help)\n');
  });

  it('a word a command has no place for is refused, and - is shown as typed', async () => {
    const r = await cli('doctor', '-', 'extra');
    expect(r.code).toBe(254);
    expect(r.stderr).toBe('faultline: doctor: unexpected arguments "-", "extra" (see faultline doctor --help)\n');
  });
});

describe('nearestFlag', () => {
  const flags = ['checker', 'format', 'json', 'time-limit', 'timeLimit', 'consistency-model', 'per-key', 'port'];
  it.each([
    ['chekcer', 'checker'],
    ['jsno', 'json'],
    ['prot', 'port'],
    ['time-limt', 'time-limit'],
    ['timelimit', 'time-limit'],
    ['consistency', 'consistency-model'],
    ['perkey', 'per-key'],
  ])('--%s → --%s', (typed, want) => {
    expect(nearestFlag(typed, flags)).toBe(want);
  });

  it.each(['x', 'zz', 'model', 'verbose'])('--%s → nothing near enough', (typed) => {
    expect(nearestFlag(typed, flags)).toBeUndefined();
  });
});
