import { createLogUpdate } from 'log-update';

/** Where a long command writes: ordinary lines, plus a status kept up to date while work goes on. */
export interface StatusOutput {
  /** Is the status a live line redrawn in place (a terminal)? */
  readonly live: boolean;
  /** An ordinary line (a live status line stays below it). */
  print(line?: string): void;
  /** Shows `render()` — live: redrawn several times a second; otherwise printed every `everyMs` when defined. */
  start(render: () => string | undefined): void;
  stop(): void;
}

export interface StatusOptions {
  /** Live line or plain lines; default: live on a terminal unless TERM=dumb. */
  live?: boolean;
  /** Plain mode: ms between status lines (default 5 s). */
  everyMs?: number;
  /** Live mode: ms between redraws (default 250). */
  redrawMs?: number;
}

/**
 * On a terminal, one status line at the bottom redrawn in place (log-update); in a CI log, a
 * plain line every few seconds, so the log shows progress without a wall of redraws.
 */
export function statusOutput(stream: NodeJS.WritableStream & { isTTY?: boolean }, options: StatusOptions = {}): StatusOutput {
  const live = options.live ?? (stream.isTTY === true && process.env.TERM !== 'dumb');
  let render: (() => string | undefined) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const write = (line: string) => stream.write(`${line}\n`);
  if (!live) {
    return {
      live,
      print: (line = '') => write(line),
      start(r) {
        clearInterval(timer);
        render = r;
        timer = setInterval(() => {
          const s = render?.();
          if (s !== undefined) write(`  ${s}`);
        }, options.everyMs ?? 5_000);
        timer.unref();
      },
      stop() {
        clearInterval(timer);
        render = undefined;
      },
    };
  }
  const line = createLogUpdate(stream as NodeJS.WriteStream, { showCursor: true });
  const draw = () => {
    const s = render?.();
    if (s === undefined) line.clear();
    else line(s);
  };
  return {
    live,
    print(text = '') {
      line.clear();
      write(text);
      draw();
    },
    start(r) {
      clearInterval(timer);
      render = r;
      draw();
      timer = setInterval(draw, options.redrawMs ?? 250);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      render = undefined;
      line.clear();
    },
  };
}
