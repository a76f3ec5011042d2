// InfluxQL tokens: identifiers (bare or double-quoted), keywords, numbers, durations, strings,
// operators, bound parameters; regular expressions are scanned only where the parser expects one.

export type TokenType =
  | 'ident'
  | 'keyword'
  | 'number'
  | 'integer'
  | 'duration'
  | 'string'
  | 'regex'
  | 'param'
  | 'op'
  | 'eof'
  | 'illegal';

export interface Token {
  type: TokenType;
  /** Keywords are upper-cased; identifiers and strings are unquoted and unescaped. */
  text: string;
  /** Byte offset in the query. */
  pos: number;
  /** The source text as written (for error messages). */
  raw: string;
}

const KEYWORDS = new Set([
  'ALL', 'ALTER', 'AND', 'AS', 'ASC', 'BY', 'CREATE', 'DATABASE', 'DATABASES', 'DEFAULT', 'DELETE', 'DESC', 'DROP',
  'DURATION', 'FIELD', 'FILL', 'FROM', 'GROUP', 'IN', 'INTO', 'KEY', 'KEYS', 'LIMIT', 'MEASUREMENT', 'MEASUREMENTS',
  'NAME', 'OFFSET', 'ON', 'OR', 'ORDER', 'POLICIES', 'POLICY', 'REPLICATION', 'RETENTION', 'SELECT', 'SERIES',
  'SHARD', 'SHOW', 'SLIMIT', 'SOFFSET', 'TAG', 'TO', 'VALUES', 'WHERE', 'WITH', 'TRUE', 'FALSE', 'TZ',
]);

export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toUpperCase());
}

const TWO_CHAR_OPS = new Set(['!=', '<>', '<=', '>=', '=~', '!~', '::']);

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export class Lexer {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  #skipSpace(): void {
    const s = this.text;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '-' && s[this.pos + 1] === '-') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else if (c === '/' && s[this.pos + 1] === '*') {
        const end = s.indexOf('*/', this.pos + 2);
        this.pos = end < 0 ? s.length : end + 2;
      } else break;
    }
  }

  next(): Token {
    this.#skipSpace();
    const s = this.text;
    const start = this.pos;
    if (start >= s.length) return { type: 'eof', text: '', pos: start, raw: 'EOF' };
    const c = s[start];
    const tok = (type: TokenType, text: string): Token => ({ type, text, pos: start, raw: s.slice(start, this.pos) });
    if (isLetter(c)) {
      while (this.pos < s.length && (isLetter(s[this.pos]) || isDigit(s[this.pos]))) this.pos++;
      const word = s.slice(start, this.pos);
      const upper = word.toUpperCase();
      return KEYWORDS.has(upper) ? tok('keyword', upper) : tok('ident', word);
    }
    if (c === '"') return this.#quoted('"', 'ident');
    if (c === "'") return this.#quoted("'", 'string');
    if (c === '$') {
      this.pos++;
      while (this.pos < s.length && (isLetter(s[this.pos]) || isDigit(s[this.pos]))) this.pos++;
      return tok('param', s.slice(start + 1, this.pos));
    }
    if (isDigit(c) || (c === '.' && isDigit(s[start + 1] ?? ''))) {
      while (this.pos < s.length && isDigit(s[this.pos])) this.pos++;
      let isFloat = false;
      if (s[this.pos] === '.' && isDigit(s[this.pos + 1] ?? '')) {
        isFloat = true;
        this.pos++;
        while (this.pos < s.length && isDigit(s[this.pos])) this.pos++;
      }
      if ((s[this.pos] === 'e' || s[this.pos] === 'E') && /[0-9+-]/.test(s[this.pos + 1] ?? '')) {
        isFloat = true;
        this.pos += 2;
        while (this.pos < s.length && isDigit(s[this.pos])) this.pos++;
      }
      if (!isFloat && this.pos < s.length && (isLetter(s[this.pos]) || s[this.pos] === 'µ')) {
        // A duration: digits and unit letters, possibly compound (1h30m).
        while (this.pos < s.length && (isLetter(s[this.pos]) || isDigit(s[this.pos]) || s[this.pos] === 'µ')) this.pos++;
        return tok('duration', s.slice(start, this.pos));
      }
      return tok(isFloat ? 'number' : 'integer', s.slice(start, this.pos));
    }
    const two = s.slice(start, start + 2);
    if (TWO_CHAR_OPS.has(two)) {
      this.pos += 2;
      return tok('op', two === '<>' ? '!=' : two);
    }
    if ('+-*/%&|^=<>(),.;'.includes(c)) {
      this.pos++;
      return tok('op', c);
    }
    this.pos++;
    return tok('illegal', c);
  }

  #quoted(q: string, type: TokenType): Token {
    const s = this.text;
    const start = this.pos;
    this.pos++;
    let out = '';
    while (this.pos < s.length && s[this.pos] !== q) {
      if (s[this.pos] === '\\' && this.pos + 1 < s.length) {
        const n = s[this.pos + 1];
        out += n === 'n' ? '\n' : n === q || n === '\\' ? n : `\\${n}`;
        this.pos += 2;
        continue;
      }
      if (s[this.pos] === '\n' && type === 'string') break;
      out += s[this.pos++];
    }
    if (this.pos >= s.length || s[this.pos] !== q) {
      return { type: 'illegal', text: type === 'string' ? 'unterminated string' : 'unterminated quoted identifier', pos: start, raw: s.slice(start, this.pos) };
    }
    this.pos++;
    return { type, text: out, pos: start, raw: s.slice(start, this.pos) };
  }

  /** Scans `/pattern/` starting at `pos` (the parser found a `/` where a regex belongs). */
  regexAt(pos: number): Token {
    const s = this.text;
    this.pos = pos + 1;
    let body = '';
    while (this.pos < s.length && s[this.pos] !== '/') {
      if (s[this.pos] === '\\' && s[this.pos + 1] === '/') {
        body += '/';
        this.pos += 2;
        continue;
      }
      body += s[this.pos++];
    }
    if (this.pos >= s.length) return { type: 'illegal', text: 'unterminated regex', pos, raw: s.slice(pos) };
    this.pos++;
    return { type: 'regex', text: body, pos, raw: s.slice(pos, this.pos) };
  }
}

/** 1-based line and character of a byte offset, as InfluxQL errors print them. */
export function lineChar(text: string, pos: number): { line: number; char: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, char: pos - lineStart + 1 };
}
