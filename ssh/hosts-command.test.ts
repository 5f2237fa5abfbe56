import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../harness/errors.ts';
import { hostsCommand } from './hosts-command.ts';
import type { PracticeHostsEngine } from './practice-hosts.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-hosts-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Parses `argv` as the CLI would; an engine that is never reached (bad input stops before Docker). */
async function parse(argv: string[]): Promise<string> {
  let engineAsked = false;
  const engine = async (): Promise<PracticeHostsEngine> => {
    engineAsked = true;
    throw new Error('the engine must not be needed');
  };
  try {
    await yargs(argv)
      .command(hostsCommand({ setExit: () => undefined, engine, printer: () => () => undefined }))
      .strict()
      .fail((msg, err) => {
        throw err ?? new InputError(msg);
      })
      .parseAsync();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}${engineAsked ? ' (engine asked)' : ''}`;
  }
  return 'ok';
}

describe('faultline hosts', () => {
  it('refuses unknown flags and missing arguments', async () => {
    expect(await parse(['hosts', 'up', '--out', join(dir, 'i.yaml'), '--nodes', '3'])).toBe('InputError: Unknown argument: nodes');
    expect(await parse(['hosts', 'up'])).toBe('InputError: Missing required argument: out');
    expect(await parse(['hosts', 'up', '--out', join(dir, 'i.yaml'), '--user', 'admin'])).toMatch(/^InputError: Invalid values:\n {2}Argument: user, Given: "admin", Choices: "root", "faultline", "plain"/);
    expect(await parse(['hosts', 'sideways'])).toBe('InputError: name a hosts command: up or down');
  });

  it('checks the count and the output files before touching Docker', async () => {
    expect(await parse(['hosts', 'up', '--count', '0', '--out', join(dir, 'i.yaml')])).toBe('InputError: --count must be an integer from 1 to 20, got 0');
    const taken = join(dir, 'taken.yaml');
    writeFileSync(taken, 'hosts: []\n');
    expect(await parse(['hosts', 'up', '--out', taken])).toBe(`InputError: ${taken} already exists: run faultline hosts down --inventory ${taken} first, or choose another --out`);
  });
});
