#!/usr/bin/env node
// Entry point for `npx faultline`: TypeScript sources run through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
// Ctrl-C, SIGTERM and crashes tear down whatever the command registered (harness/shutdown.ts).
const { installShutdownHandlers } = await import('../harness/shutdown.ts');
installShutdownHandlers();
const { main } = await import('../harness/cli.ts');
process.exitCode = await main(process.argv.slice(2));
