/**
 * Building command lines for a host's login shell. OpenSSH hands the command string to the user's
 * shell (`$SHELL -c STRING`), so everything is single-quoted for a POSIX shell (bash, dash, zsh,
 * ksh; csh and fish are not supported as login shells).
 */
export function quote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `sh -c SCRIPT NAME ARGS…` as one command line, run through `prefix` (e.g. `sudo -n`). */
export function scriptCommand(script: string, args: readonly string[], prefix: readonly string[] = []): string {
  return [...prefix, '/bin/sh', '-c', script, 'faultline', ...args].map(quote).join(' ');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Environment for a remote command, sent on its stdin ahead of the command's own input (one
 * `NAME base64(value)` line per variable, then an empty line), so values never appear in any
 * process's argv (`ps` shows argv to every user on the host).
 */
export function envHeader(env: Readonly<Record<string, string>> = {}): string {
  const lines = Object.entries(env).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new Error(`environment variable name ${JSON.stringify(k)} is not a valid shell name`);
    return `${k} ${Buffer.from(v).toString('base64')}\n`;
  });
  return `${lines.join('')}\n`;
}
