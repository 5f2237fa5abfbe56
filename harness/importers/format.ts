import type { LineIndex } from '../history/line-index.ts';
import type { Op } from '../history/op.ts';

/** A piece of a history file's text: whole lines, except maybe the last chunk's last line. */
export interface TextChunk {
  text: string;
  /** 1-based line number of the chunk's first line in the file. */
  firstLine: number;
  /** No text follows this chunk. */
  final: boolean;
}

/** What a format's parser hands back: ops in file order, and where each came from. */
export interface ParsedHistory {
  ops: Op[];
  /** The file line each op came from (a synthesised invocation has its completion's line). */
  lines: LineIndex;
  /**
   * No op named a process: invocations and completions are paired by `f` and value later
   * (`pairWithoutProcesses`), and `process` is a placeholder until then.
   */
  processless?: boolean;
  /** Things the reader inferred or changed, in a sentence each, for the user to see. */
  notes: string[];
}

/** Parses a format chunk by chunk, so a file never has to be held whole as text. */
export interface ChunkParser {
  push(chunk: TextChunk): void;
  finish(): ParsedHistory;
}

/** A history file format faultline can read. Importers normalise into faultline ops. */
export interface HistoryFormat {
  readonly name: string;
  /** Does the start of the file (its first chunk, a sample of lines) look like this format? */
  detect(head: string): boolean;
  parser(file: string): ChunkParser;
}

/** Counts lines through a text as offsets move forward (parsers report lines of ops in order). */
export class LineCounter {
  private line: number;
  private counted = 0;

  constructor(
    private readonly text: string,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  /** Line of `offset`; offsets must not decrease between calls. */
  lineOf(offset: number): number {
    const { text } = this;
    for (let i = text.indexOf('\n', this.counted); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      this.line++;
      this.counted = i + 1;
    }
    return this.line;
  }
}
