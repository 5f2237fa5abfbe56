import type { Argv, CommandModule } from 'yargs';
import { usage } from './index.ts';
import { startStoreServer } from '../../reports/serve/store-server.ts';
import { interceptSignals } from '../../harness/shutdown.ts';
import { numberFlags } from '../number-flag.ts';

interface ServeArgs {
  store: string;
  host: string;
  port: number;
}

/** `faultline serve`: browse the store's runs and reports until Ctrl-C. */
export function serveCommand(): CommandModule<object, ServeArgs> {
  return {
    ...usage('serve'),
    builder: (y: Argv) =>
      numberFlags(
        y
          .option('store', { type: 'string', default: 'store', describe: 'the store folder' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback by default: the store is not shared)' }),
        { port: { describe: 'port to listen on (0 picks a free one)', default: 8080, integer: true, min: 0, max: 65535 } },
      ) as unknown as Argv<ServeArgs>,
    handler: async (args) => {
      const started = await startStoreServer({ store: args.store, host: args.host, port: args.port });
      if (!started.loopback) process.stderr.write(`faultline: warning: listening on ${args.host}, so anyone who can reach this machine can read the store\n`);
      process.stdout.write(`serving ${args.store} at ${started.url} (Ctrl-C to stop)\n`);
      // Ctrl-C stops the server and exits 0; without the interception the process-wide shutdown
      // handler (harness/shutdown.ts) would exit 130 before the server closed.
      let release = () => {};
      await new Promise<void>((resolve) => {
        release = interceptSignals(() => resolve());
      });
      release();
      await started.close();
    },
  };
}
