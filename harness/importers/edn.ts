/**
 * A reader for the EDN that Jepsen writes, into plain JSON-like values: keywords and symbols
 * become strings (`:invoke` → "invoke"), `nil` null, vectors, lists and sets arrays, maps
 * objects with string keys; tagged literals (`#inst "…"`, `#jepsen.history.Op{…}`) become
 * the value they tag. Tailored rather than a library because a million-line history must
 * import in seconds: it scans char codes, builds the values directly, and tracks no positions
 * until it has an error to report.
 */
export class EdnSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const SYMBOL_END = new Uint8Array(128);
for (const c of ' \t\n\r,;()[]{}"') SYMBOL_END[c.charCodeAt(0)] = 1;

/** Keywords and symbols repeat on every line: the same string object each time saves memory
 * and lets V8 use it as a property key without internalizing it again. */
const TOKEN_CACHE_SIZE = 4096;

export class EdnReader {
  pos = 0;
  private readonly tokenHashes = new Int32Array(TOKEN_CACHE_SIZE);
  private readonly tokens: (string | undefined)[] = new Array(TOKEN_CACHE_SIZE);

  constructor(readonly text: string) {}

  /** Skips whitespace, commas and comments; true if a form follows. */
  more(): boolean {
    this.skip();
    return this.pos < this.text.length;
  }

  /** Reads one form. */
  read(): unknown {
    this.skip();
    const { text } = this;
    if (this.pos >= text.length) throw new EdnSyntaxError('expected a value, got the end of the input', this.pos);
    const c = text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b /* { */:
        this.pos++;
        return this.readMap();
      case 0x5b /* [ */:
        this.pos++;
        return this.readSeq(0x5d);
      case 0x28 /* ( */:
        this.pos++;
        return this.readSeq(0x29);
      case 0x22 /* " */:
        return this.readString();
      case 0x3a /* : */: {
        this.pos++;
        const name = this.readToken();
        if (name === '') throw new EdnSyntaxError('expected a keyword name after ":"', this.pos);
        return name;
      }
      case 0x23 /* # */:
        return this.readDispatch();
      case 0x5c /* \ */:
        return this.readChar();
      case 0x5d:
      case 0x29:
      case 0x7d:
        throw new EdnSyntaxError(`unexpected "${String.fromCharCode(c)}"`, this.pos);
      default:
        return this.readAtom();
    }
  }

  /** Offset of the next form (after whitespace and comments). */
  peekOffset(): number {
    this.skip();
    return this.pos;
  }

  /** Reads the elements of a collection whose opening bracket was just consumed. */
  readSeq(close: number): unknown[] {
    const out: unknown[] = [];
    const open = this.pos - 1;
    for (;;) {
      this.skip();
      // Reported where the collection opened: that is the line a person has to fix.
      if (this.pos >= this.text.length) throw new EdnSyntaxError(`expected "${String.fromCharCode(close)}" to close the collection, got the end of the input`, open);
      if (this.text.charCodeAt(this.pos) === close) {
        this.pos++;
        return out;
      }
      out.push(this.read());
    }
  }

  private readMap(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const open = this.pos - 1;
    for (;;) {
      this.skip();
      if (this.pos >= this.text.length) throw new EdnSyntaxError('expected "}" to close the map, got the end of the input', open);
      if (this.text.charCodeAt(this.pos) === 0x7d) {
        this.pos++;
        return out;
      }
      const key = this.read();
      this.skip();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) === 0x7d) {
        throw new EdnSyntaxError(`expected a value for map key ${JSON.stringify(key)}`, this.pos);
      }
      out[typeof key === 'string' ? key : JSON.stringify(key)] = this.read();
    }
  }

  private skip(): void {
    const { text } = this;
    let p = this.pos;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c === 0x20 || c === 0x2c || c === 0x0a || c === 0x09 || c === 0x0d) p++;
      else if (c === 0x3b /* ; */) {
        while (p < text.length && text.charCodeAt(p) !== 0x0a) p++;
      } else break;
    }
    this.pos = p;
  }

  private readToken(): string {
    const { text } = this;
    const start = this.pos;
    let p = start;
    let h = 0x811c9dc5;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c < 128 && SYMBOL_END[c] === 1) break;
      h = Math.imul(h ^ c, 0x01000193);
      p++;
    }
    this.pos = p;
    const len = p - start;
    if (len > 32) return text.slice(start, p);
    const slot = (h ^ len) & (TOKEN_CACHE_SIZE - 1);
    const cached = this.tokens[slot];
    if (cached !== undefined && this.tokenHashes[slot] === h && cached.length === len && text.startsWith(cached, start)) return cached;
    const token = text.slice(start, p);
    this.tokens[slot] = token;
    this.tokenHashes[slot] = h;
    return token;
  }

  private readString(): string {
    const { text } = this;
    const start = ++this.pos;
    let p = start;
    // Fast path: no escapes.
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        return text.slice(start, p);
      }
      if (c === 0x5c) break;
      p++;
    }
    let out = text.slice(start, p);
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        return out;
      }
      if (c !== 0x5c) {
        out += text[p];
        p++;
        continue;
      }
      const e = text[p + 1];
      p += 2;
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'b') out += '\b';
      else if (e === 'f') out += '\f';
      else if (e === '"' || e === '\\' || e === '/') out += e;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(p, p + 4))) {
        out += String.fromCharCode(parseInt(text.slice(p, p + 4), 16));
        p += 4;
      } else throw new EdnSyntaxError(`unknown string escape "\\${e ?? ''}"`, p - 2);
    }
    throw new EdnSyntaxError('expected a closing " for the string, got the end of the input', start - 1);
  }

  private readDispatch(): unknown {
    const at = this.pos;
    const next = this.text[this.pos + 1];
    if (next === '{') {
      this.pos += 2;
      return this.readSeq(0x7d);
    }
    if (next === '_') {
      this.pos += 2;
      this.read();
      return this.read();
    }
    this.pos++;
    const tag = this.readToken();
    if (tag === '' || !/^[A-Za-z]/.test(tag)) throw new EdnSyntaxError('expected a tag, a set or a discard after "#"', at);
    if (tag === 'inf' || tag === '#inf') return Infinity;
    return this.read();
  }

  /** Plain decimal integers (most numbers in a history) without making a string. */
  private readInteger(): number | undefined {
    const { text } = this;
    let p = this.pos;
    const negative = text.charCodeAt(p) === 0x2d;
    if (negative) p++;
    const first = p;
    let n = 0;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      p++;
    }
    if (p === first || p - first > 15) return undefined;
    if (p < text.length) {
      const c = text.charCodeAt(p);
      if (!(c < 128 && SYMBOL_END[c] === 1)) return undefined;
    }
    this.pos = p;
    return negative ? -n : n;
  }

  private readChar(): string {
    const start = ++this.pos;
    const first = this.text[start] ?? '';
    this.pos++;
    const rest = this.readToken();
    const name = first + rest;
    const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', formfeed: '\f', backspace: '\b' };
    if (name.length === 1) return name;
    if (named[name] !== undefined) return named[name];
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(parseInt(name.slice(1), 16));
    throw new EdnSyntaxError(`unknown character literal "\\${name}"`, start - 1);
  }

  private readAtom(): unknown {
    const at = this.pos;
    const int = this.readInteger();
    if (int !== undefined) return int;
    const token = this.readToken();
    if (token === '') throw new EdnSyntaxError(`unexpected "${this.text[at]}"`, at);
    const c = token.charCodeAt(0);
    const numeric = (c >= 0x30 && c <= 0x39) || ((c === 0x2d || c === 0x2b) && token.length > 1 && token.charCodeAt(1) >= 0x30 && token.charCodeAt(1) <= 0x39);
    if (numeric) return parseNumber(token, at);
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    return token;
  }
}

function parseNumber(token: string, at: number): number {
  let t = token;
  if (t.endsWith('N') || t.endsWith('M')) t = t.slice(0, -1);
  const slash = t.indexOf('/');
  if (slash > 0) {
    const r = Number(t.slice(0, slash)) / Number(t.slice(slash + 1));
    if (Number.isFinite(r)) return r;
  } else {
    const n = Number(t);
    if (!Number.isNaN(n)) return n;
  }
  throw new EdnSyntaxError(`expected a number, got "${token}"`, at);
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
