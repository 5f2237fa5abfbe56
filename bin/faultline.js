#!/usr/bin/env node
// Entry point for `npx faultline`: TypeScript sources run through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
// Ctrl-C, SIGTERM and crashes tear down whatever the command registered (harness/shutdown.ts).
const { installShutdownHandlers } = await import('../harness/shutdown.ts');
installShutdownHandlers();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit when the work is done even if something still holds the event loop (a build or an
// install abandoned by Ctrl-C); unref'd, so a clean exit is not delayed.
setTimeout(() => process.exit(code), 2_000).unref();
