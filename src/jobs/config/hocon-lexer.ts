// HOCON tokenizer: punctuation, quoted/triple-quoted/unquoted strings, substitutions, newlines, comments.

import { configSyntax } from '../errors.ts';

export type TokenKind = '{' | '}' | '[' | ']' | ',' | ':' | '=' | '+=' | 'nl' | 'quoted' | 'unquoted' | 'subst' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The decoded text of strings, the path of substitutions. */
  text: string;
  /** `${?path}` */
  optional: boolean;
  line: number;
  /** The whitespace right before this token on the same line (kept for value concatenation). */
  space: string;
}

/** Characters that end an unquoted string (HOCON's forbidden set, minus a few we allow inside). */
const STOP = new Set(['$', '"', '{', '}', '[', ']', ':', '=', ',', '#', '`', '\\', '\n', ' ', '\t', '\r', '\f', '\v']);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF' || c === '\u00A0';
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let space = '';
  const push = (kind: TokenKind, text: string, at: number, optional = false) => {
    out.push({ kind, text, optional, line: at, space });
    space = '';
  };
  while (i < src.length) {
    const c = src[i];
    if (isSpace(c)) {
      space += c;
      i++;
      continue;
    }
    if (c === '\n') {
      push('nl', '\n', line);
      line++;
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '{' || c === '}' || c === '[' || c === ']' || c === ',' || c === ':' || c === '=') {
      push(c, c, line);
      i++;
      continue;
    }
    if (c === '+' && src[i + 1] === '=') {
      push('+=', '+=', line);
      i += 2;
      continue;
    }
    if (c === '"') {
      if (src.startsWith('"""', i)) {
        const start = line;
        const end = src.indexOf('"""', i + 3);
        if (end < 0) throw configSyntax(start, 'unterminated triple-quoted string');
        // Extra quotes just before the closing delimiter belong to the string, as in HOCON.
        let close = end;
        while (src[close + 3] === '"') close++;
        const text = src.slice(i + 3, close);
        for (const ch of text) if (ch === '\n') line++;
        push('quoted', text, start);
        i = close + 3;
        continue;
      }
      const [text, next] = readQuoted(src, i, line);
      push('quoted', text, line);
      i = next;
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      const end = src.indexOf('}', i + 2);
      if (end < 0) throw configSyntax(line, 'unterminated substitution');
      let inner = src.slice(i + 2, end).trim();
      const optional = inner.startsWith('?');
      if (optional) inner = inner.slice(1).trim();
      if (inner === '' || inner.includes('\n')) throw configSyntax(line, 'bad substitution');
      push('subst', inner, line, optional);
      i = end + 1;
      continue;
    }
    if (c === '`' || c === '\\' || c === '$') throw configSyntax(line, `reserved character '${c}' is not allowed outside quotes`);
    let j = i;
    while (j < src.length && !STOP.has(src[j]) && !(src[j] === '/' && src[j + 1] === '/') && !(src[j] === '+' && src[j + 1] === '=')) j++;
    push('unquoted', src.slice(i, j), line);
    i = j;
  }
  push('eof', '', line);
  return out;
}

function readQuoted(src: string, i: number, line: number): [string, number] {
  let out = '';
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '"') return [out, j + 1];
    if (c === '\n') break;
    if (c === '\\') {
      const e = src[j + 1];
      j += 2;
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'u': {
          const hex = src.slice(j, j + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw configSyntax(line, 'bad \\u escape in quoted string');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          j += 4;
          break;
        }
        default:
          throw configSyntax(line, `bad escape '\\${e ?? ''}' in quoted string`);
      }
      continue;
    }
    out += c;
    j++;
  }
  throw configSyntax(line, 'unterminated quoted string');
}
