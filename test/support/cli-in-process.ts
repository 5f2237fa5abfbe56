import { vi } from 'vitest';
import { main, type CliOptions } from '../../cli/main.ts';

export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main` in this process, as `faultline ARGV…` would, and returns what it printed. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<CliOutput> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    return { code: await main(argv, options), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
