// A JSON parser that keeps integers beyond 2^53 exact (as bigint): InfluxDB answers with int64
// field values that JSON.parse would round.

import { storeCorrupt } from './errors.ts';

export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };

export function parseExactJson(text: string): ExactJson {
  let pos = 0;
  const fail = (what: string): never => {
    throw storeCorrupt(`bad JSON from InfluxDB at ${pos}: ${what}`);
  };
  const space = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else break;
    }
  };
  const value = (): ExactJson => {
    space();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const out: { [key: string]: ExactJson } = {};
      space();
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      for (;;) {
        space();
        if (text[pos] !== '"') fail('expected key');
        const key = str();
        space();
        if (text[pos++] !== ':') fail('expected :');
        out[key] = value();
        space();
        const sep = text[pos++];
        if (sep === '}') return out;
        if (sep !== ',') fail('expected , or }');
      }
    }
    if (c === '[') {
      pos++;
      const out: ExactJson[] = [];
      space();
      if (text[pos] === ']') {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value());
        space();
        const sep = text[pos++];
        if (sep === ']') return out;
        if (sep !== ',') fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos, pos + 64));
    if (m === null) return fail('unexpected character');
    pos += m[0].length;
    if (m[1] !== undefined || m[2] !== undefined) return Number(m[0]);
    const n = Number(m[0]);
    return Number.isSafeInteger(n) ? n : BigInt(m[0]);
  };
  const str = (): string => {
    // Find the closing quote, honouring escapes, and let JSON.parse decode the escapes.
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const v = value();
  space();
  if (pos !== text.length) fail('trailing data');
  return v;
}
