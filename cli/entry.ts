import { installShutdownHandlers } from '../harness/shutdown.ts';
import { main } from './main.ts';

/**
 * The process around `main` (bin/faultline.js starts it, from dist/ or the sources): cleanup on
 * Ctrl-C, SIGTERM and crashes (harness/shutdown.ts), and the exit code.
 */
export async function start(argv: string[]): Promise<void> {
  installShutdownHandlers();
  const code = await main(argv);
  process.exitCode = code;
  // Exit when the work is done even if something still holds the event loop (a build or an
  // install abandoned by Ctrl-C); unref'd, so a clean exit is not delayed.
  setTimeout(() => process.exit(code), 2_000).unref();
}
