import { appendFileSync } from 'node:fs';

/** The run's log (`faultline.log`). Passed explicitly; there is no global logger. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Only in the file. */
  debug(message: string): void;
}

/**
 * Appends each line to `file` at once (synchronously, so a killed controller's log is complete up
 * to its last line) and echoes info and warnings to `echo` when given.
 */
export class FileLogger implements Logger {
  constructor(
    private readonly file: string,
    private readonly echo?: (line: string) => void,
  ) {}

  info(message: string): void {
    this.write('INFO', message);
    this.echo?.(message);
  }

  warn(message: string): void {
    this.write('WARN', message);
    this.echo?.(`warning: ${message}`);
  }

  debug(message: string): void {
    this.write('DEBUG', message);
  }

  private write(level: string, message: string): void {
    appendFileSync(this.file, `${new Date().toISOString()} ${level} ${message}\n`);
  }
}

/** Discards everything (tests, and code that runs before the run's folder exists). */
export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

/** Collects lines in memory (tests). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`WARN ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`DEBUG ${message}`);
  }
}
