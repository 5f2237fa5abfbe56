import { MAX_NESTING, TOO_DEEP } from '../history/nesting.ts';

/**
 * A reader for the EDN that Jepsen writes, into plain JSON-like values: keywords and symbols
 * become strings (`:invoke` → "invoke"), `nil` null, vectors, lists and sets arrays, maps
 * objects with string keys; tagged literals (`#inst "…"`, `#jepsen.history.Op{…}`) become
 * the value they tag; `##Inf`, `##-Inf`, `##NaN` the numbers. Tailored rather than a library
 * because a million-line history must import in seconds — edn-data 1.2.2, the maintained npm
 * reader, took 2.5–4.1 s for 400,000 list-append op lines where this takes 0.45–0.65 s (same
 * machine, interleaved runs, results discarded). It scans char codes, builds arrays at their
 * exact size (an array grown by push keeps 17 slots: that tripled a history's memory), and
 * tracks no positions until it has an error to report.
 *
 * The text may be one chunk of a longer input: unless `final`, reaching its end inside a form
 * throws {@link EdnIncomplete}, and the caller retries the form with more text appended.
 */
export class EdnSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** The chunk ended inside a form; `start` is where the form began. Not an error. */
export class EdnIncomplete {
  constructor(readonly start: number) {}
}

const SYMBOL_END = new Uint8Array(128);
for (const c of ' \t\n\r,;()[]{}"') SYMBOL_END[c.charCodeAt(0)] = 1;

/** Keywords and symbols repeat on every line: the same string object each time saves memory
 * and lets V8 use it as a property key without internalizing it again. */
const TOKEN_CACHE_SIZE = 4096;

const NAMED_CHARS: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', formfeed: '\f', backspace: '\b' };
const SYMBOLIC_NUMBERS: Record<string, number> = { Inf: Infinity, '-Inf': -Infinity, NaN: NaN };

export class EdnReader {
  pos = 0;
  private depth = 0;
  /** Elements of the collections being read, up to `top`; each takes its part when it closes.
   * (A pointer rather than `stack.length = base`: setting an array's length is a runtime call.) */
  private readonly stack: unknown[] = [];
  private top = 0;
  private readonly tokenHashes = new Int32Array(TOKEN_CACHE_SIZE);
  private readonly tokens: (string | undefined)[] = new Array(TOKEN_CACHE_SIZE);
  /** Start of the top-level form being read, for {@link EdnIncomplete}. */
  private formStart = 0;

  constructor(
    public text: string,
    public final = true,
  ) {}

  /** Continues on `text` (the unread rest of the last chunk and the next one), from its start. */
  reset(text: string, final: boolean): void {
    this.text = text;
    this.final = final;
    this.pos = 0;
    this.depth = 0;
    this.top = 0;
  }

  /** Skips whitespace, commas, comments and discarded forms; true if a form follows. */
  more(): boolean {
    this.formStart = this.pos;
    this.skipAll();
    return this.pos < this.text.length;
  }

  /** Reads one top-level form. */
  read(): unknown {
    this.skip();
    this.formStart = this.pos;
    this.depth = 0;
    this.top = 0;
    return this.readForm();
  }

  /**
   * Reads a top-level map (bare or tagged, `#jepsen.history.Op{…}`) into `fields`, setting only
   * the keys `fields` already has and reading past the others: Jepsen op maps are read into one
   * reused record instead of a new object per line. False, reading nothing, if no map is next.
   */
  readMapInto(fields: Record<string, unknown>): boolean {
    this.skip();
    const { text } = this;
    this.formStart = this.pos;
    let p = this.pos;
    if (text.charCodeAt(p) === 0x23 /* # */) {
      const c = text.charCodeAt(p + 1);
      if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return false;
      this.pos = p + 1;
      this.readToken();
      this.skip();
      p = this.pos;
    }
    if (text.charCodeAt(p) !== 0x7b /* { */) {
      this.pos = this.formStart;
      return false;
    }
    this.pos = p + 1;
    this.depth = 1;
    this.top = 0;
    for (;;) {
      this.skipAll();
      if (this.pos >= text.length) this.end('expected "}" to close the map, got the end of the input', p);
      if (text.charCodeAt(this.pos) === 0x7d) {
        this.pos++;
        return true;
      }
      const key = this.readForm();
      this.skipAll();
      if (this.pos >= text.length) this.end(`expected a value for map key ${JSON.stringify(key)}`, this.pos);
      if (text.charCodeAt(this.pos) === 0x7d) throw new EdnSyntaxError(`expected a value for map key ${JSON.stringify(key)}`, this.pos);
      const value = this.readForm();
      if (typeof key === 'string' && Object.hasOwn(fields, key)) fields[key] = value;
    }
  }

  /** Offset of the next form (after whitespace, comments and discarded forms). */
  peekOffset(): number {
    this.formStart = this.pos;
    this.skipAll();
    return this.pos;
  }

  private end(message: string, offset: number): never {
    if (!this.final) throw new EdnIncomplete(this.formStart);
    throw new EdnSyntaxError(message, offset);
  }

  private readForm(): unknown {
    this.skipAll();
    const { text } = this;
    if (this.pos >= text.length) this.end('expected a value, got the end of the input', this.pos);
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

  /** Every collection goes one level down; past {@link MAX_NESTING} the input is refused
   * (it would overflow the stack here or in whatever walks the value later). */
  private enter(at: number): void {
    if (++this.depth > MAX_NESTING) throw new EdnSyntaxError(TOO_DEEP, at);
  }

  /** Reads the elements of a collection whose opening bracket was just consumed. */
  private readSeq(close: number): unknown[] {
    const open = this.pos - 1;
    this.enter(open);
    const { stack } = this;
    const base = this.top;
    for (;;) {
      this.skipAll();
      // Reported where the collection opened: that is the line a person has to fix.
      if (this.pos >= this.text.length) this.end(`expected "${String.fromCharCode(close)}" to close the collection, got the end of the input`, open);
      if (this.text.charCodeAt(this.pos) === close) {
        this.pos++;
        this.depth--;
        const out = exactArray(stack, base, this.top);
        this.top = base;
        return out;
      }
      const value = this.readForm();
      stack[this.top++] = value;
    }
  }

  private readMap(): Record<string, unknown> {
    const open = this.pos - 1;
    this.enter(open);
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipAll();
      if (this.pos >= this.text.length) this.end('expected "}" to close the map, got the end of the input', open);
      if (this.text.charCodeAt(this.pos) === 0x7d) {
        this.pos++;
        this.depth--;
        return out;
      }
      const key = this.readForm();
      this.skipAll();
      if (this.pos >= this.text.length) this.end(`expected a value for map key ${JSON.stringify(key)}`, this.pos);
      if (this.text.charCodeAt(this.pos) === 0x7d) throw new EdnSyntaxError(`expected a value for map key ${JSON.stringify(key)}`, this.pos);
      const name = typeof key === 'string' ? key : JSON.stringify(key);
      const value = this.readForm();
      // "__proto__" is data here, not the object's prototype.
      if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      else out[name] = value;
    }
  }

  /** Whitespace and `#_ form` discards (a discard is checked only where a form may start). */
  private skipAll(): void {
    this.skip();
    const { text } = this;
    while (text.charCodeAt(this.pos) === 0x23 && text.charCodeAt(this.pos + 1) === 0x5f) {
      this.pos += 2;
      this.readForm();
      this.skip();
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
      if (p + 1 >= text.length) break;
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
    return this.end('expected a closing " for the string, got the end of the input', start - 1);
  }

  private readDispatch(): unknown {
    const at = this.pos;
    if (at + 1 >= this.text.length) this.end('expected a tag, a set or a discard after "#", got the end of the input', at);
    const next = this.text[at + 1];
    if (next === '{') {
      this.pos += 2;
      return this.readSeq(0x7d);
    }
    if (next === '#') {
      this.pos += 2;
      const name = this.readToken();
      const n = SYMBOLIC_NUMBERS[name];
      if (n === undefined) throw new EdnSyntaxError(`expected ##Inf, ##-Inf or ##NaN, got "##${name}"`, at);
      return n;
    }
    this.pos++;
    const tag = this.readToken();
    if (tag === '' || !/^[A-Za-z]/.test(tag)) throw new EdnSyntaxError('expected a tag, a set or a discard after "#"', at);
    this.enter(at);
    const value = this.readForm();
    this.depth--;
    return value;
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
    if (start >= this.text.length) this.end('expected a character after "\\", got the end of the input', start - 1);
    const first = this.text[start]!;
    this.pos++;
    const rest = this.readToken();
    const name = first + rest;
    if (name.length === 1) return name;
    const named = NAMED_CHARS[name];
    if (named !== undefined) return named;
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

/**
 * `stack[base..top)` as a new array of exactly that size. Literals for the short ones
 * (micro-ops, small transactions) skip the generic copy.
 */
function exactArray(stack: unknown[], base: number, top: number): unknown[] {
  switch (top - base) {
    case 0:
      return [];
    case 1:
      return [stack[base]];
    case 2:
      return [stack[base], stack[base + 1]];
    case 3:
      return [stack[base], stack[base + 1], stack[base + 2]];
    case 4:
      return [stack[base], stack[base + 1], stack[base + 2], stack[base + 3]];
    default:
      return stack.slice(base, top);
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
