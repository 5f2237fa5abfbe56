import type { Argv, CommandModule } from 'yargs';
import { EXIT } from '../harness/errors.ts';
import { checkHostsUp, hostsDown, hostsUp, MAX_PRACTICE_HOSTS, type PracticeHostsEngine, type PracticeUser } from './practice-hosts.ts';

export interface HostsCommandWiring {
  setExit: (code: number) => void;
  /** The Docker side (the CLI wires docker/: engine, image builder, removal helpers). */
  engine: () => Promise<PracticeHostsEngine>;
  /** Where human-readable lines go (stdout, or stderr under --json). */
  printer: (json: boolean) => (line: string) => void;
}

interface UpArgs {
  count: number;
  out: string;
  user: PracticeUser;
  json: boolean;
}

interface DownArgs {
  inventory?: string;
  json: boolean;
}

/**
 * `faultline hosts up --count 5 --out inventory.yaml` / `faultline hosts down [--inventory FILE]`:
 * practice hosts, Debian containers that faultline then reaches only over SSH, as it would real
 * machines. For the CLI to register: `.command(hostsCommand({ setExit, engine, printer }))`.
 */
export function hostsCommand(wiring: HostsCommandWiring): CommandModule {
  const up: CommandModule<object, UpArgs> = {
    command: 'up',
    describe: 'start practice hosts (sshd in Debian containers) and write an inventory for them',
    builder: (y: Argv) =>
      y
        .option('count', { type: 'number', default: 3, describe: `how many hosts (1–${MAX_PRACTICE_HOSTS})` })
        .option('out', { type: 'string', demandOption: true, describe: 'the inventory file to write (0600); the key pair and known_hosts go beside it' })
        .option('user', { choices: ['root', 'faultline', 'plain'] as const, default: 'root' as const, describe: 'log in as root, as a user with passwordless sudo, or as one without sudo' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the hosts as JSON on stdout' })
        .strict() as unknown as Argv<UpArgs>,
    handler: async (args) => {
      const print = wiring.printer(args.json);
      checkHostsUp(args.count, args.out); // before the engine starts: bad input costs nothing
      const hosts = await hostsUp({ count: args.count, out: args.out, user: args.user, engine: await wiring.engine(), log: print });
      print(`try it: faultline run --inventory ${hosts.inventory} …; remove them: faultline hosts down --inventory ${hosts.inventory}`);
      if (args.json) process.stdout.write(`${JSON.stringify(hosts, null, 2)}\n`);
      wiring.setExit(EXIT.valid);
    },
  };
  const down: CommandModule<object, DownArgs> = {
    command: 'down',
    describe: 'remove practice hosts (all of them, or those of one inventory) and the files hosts up wrote',
    builder: (y: Argv) =>
      y
        .option('inventory', { type: 'string', describe: 'only the hosts this inventory was written for' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the report JSON on stdout' })
        .strict() as unknown as Argv<DownArgs>,
    handler: async (args) => {
      const print = wiring.printer(args.json);
      const report = await hostsDown({ engine: await wiring.engine(), inventory: args.inventory, log: print });
      print(`removed ${report.containers} practice hosts of ${report.sets.length} sets and ${report.files.length} files`);
      if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      wiring.setExit(EXIT.valid);
    },
  };
  return {
    command: 'hosts <command>',
    describe: 'practice hosts: machines to point the SSH backend at before real ones',
    builder: (y: Argv) => y.command(up).command(down).demandCommand(1, 'name a hosts command: up or down').strict(),
    handler: () => undefined,
  };
}
