// SPL tokens. Search bodies and command arguments read "words" (anything up to a delimiter, so
// `10.0.0.1`, `-1h@h` and `*_ip` are one token); eval/where expressions read identifiers,
// numbers and operators. The parser says which reading it wants at each step.

export type TokenKind = 'word' | 'string' | 'quoted' | 'number' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Decoded text: string contents without quotes and escapes, operators as written. */
  readonly text: string;
  /** 0-based offset into the query. */
  readonly offset: number;
  /** Whether whitespace precedes the token (juxtaposition matters in a few places). */
  readonly spaced: boolean;
}

export type LexMode = 'word' | 'expr';

/** Characters that end a word: whitespace, quotes and the search operators. */
const WORD_STOP = new Set([' ', '\t', '\n', '\r', '"', "'", '(', ')', '=', ',', '!', '<', '>', '|']);

const EXPR_OPS = ['==', '!=', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '.', '(', ')', ',', '|', '!'];
const WORD_OPS = ['!=', '<=', '>=', '==', '<', '>', '=', '(', ')', ',', '|'];

export class LexError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export class Lexer {
  readonly source: string;
  #pos = 0;

  constructor(source: string) {
    this.source = source;
  }

  get position(): number {
    return this.#pos;
  }

  /** Rewinds (or skips) to an offset a token started at, for lookahead beyond one token. */
  seek(offset: number): void {
    this.#pos = offset;
  }

  /** Reads the next token in `mode` without consuming it. */
  peek(mode: LexMode): Token {
    const saved = this.#pos;
    const token = this.next(mode);
    this.#pos = saved;
    return token;
  }

  next(mode: LexMode): Token {
    const src = this.source;
    const start = this.#pos;
    while (this.#pos < src.length && /\s/.test(src[this.#pos])) this.#pos++;
    const spaced = this.#pos > start || start === 0;
    const offset = this.#pos;
    if (this.#pos >= src.length) return { kind: 'eof', text: '', offset, spaced };
    const c = src[this.#pos];
    if (c === '"' || c === "'") {
      const text = this.#readQuoted(c);
      return { kind: c === '"' ? 'string' : 'quoted', text, offset, spaced };
    }
    if (mode === 'expr') {
      if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[this.#pos + 1] ?? ''))) {
        const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(this.#pos))!;
        this.#pos += m[0].length;
        return { kind: 'number', text: m[0], offset, spaced };
      }
      if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(this.#pos))!;
        // A trailing dot belongs to the concatenation operator, not to the name.
        const text = m[0].replace(/\.+$/, '');
        this.#pos += text.length;
        return { kind: 'word', text, offset, spaced };
      }
      for (const op of EXPR_OPS) {
        if (src.startsWith(op, this.#pos)) {
          this.#pos += op.length;
          return { kind: 'op', text: op, offset, spaced };
        }
      }
      throw new LexError(`unexpected character '${c}'`, offset);
    }
    for (const op of WORD_OPS) {
      if (src.startsWith(op, this.#pos)) {
        this.#pos += op.length;
        return { kind: 'op', text: op, offset, spaced };
      }
    }
    let end = this.#pos;
    while (end < src.length && !WORD_STOP.has(src[end])) end++;
    if (end === this.#pos) throw new LexError(`unexpected character '${c}'`, offset);
    const text = src.slice(this.#pos, end);
    this.#pos = end;
    return { kind: 'word', text, offset, spaced };
  }

  #readQuoted(quote: string): string {
    const src = this.source;
    const start = this.#pos;
    this.#pos++;
    let out = '';
    while (this.#pos < src.length) {
      const c = src[this.#pos];
      if (c === '\\' && this.#pos + 1 < src.length) {
        const n = src[this.#pos + 1];
        // Only the quote and the backslash are escapes; anything else keeps its backslash (regexes).
        out += n === quote || n === '\\' ? n : c + n;
        this.#pos += 2;
        continue;
      }
      if (c === quote) {
        this.#pos++;
        return out;
      }
      out += c;
      this.#pos++;
    }
    throw new LexError(`unterminated ${quote === '"' ? 'string' : 'quoted field name'}`, start);
  }
}
