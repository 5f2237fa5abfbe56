/** Source lines of ops, one int each (a history can have millions of ops). */
export class LineIndex {
  private lines = new Int32Array(1024);
  length = 0;

  push(line: number): void {
    if (this.length === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.length++] = line;
  }

  at(index: number): number | undefined {
    return index >= 0 && index < this.length ? this.lines[index] : undefined;
  }

  static of(lines: readonly number[]): LineIndex {
    const index = new LineIndex();
    for (const l of lines) index.push(l);
    return index;
  }
}
