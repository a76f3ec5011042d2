// A JSON reader that keeps numbers as their source text, so int64 vars and ns durations stay exact.

/** A JSON number kept as written (`9223372036854775807`, `1.5e3`). */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {}

/** Parses JSON text; numbers become JsonNumber. Throws JsonSyntaxError on malformed input. */
export function parseJsonExact(text: string): JsonValue {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxError(`invalid JSON at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (depth: number): JsonValue => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: JsonValue } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = str();
        ws();
        if (text[i++] !== ':') fail();
        Object.defineProperty(obj, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] !== '}') fail();
        return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] !== ']') fail();
        return arr;
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) return fail();
    i += r[0].length;
    return new JsonNumber(r[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        simple = false;
        i += 2;
      } else {
        if (text.charCodeAt(i) < 0x20) fail();
        i++;
      }
    }
    if (i >= text.length) fail();
    i++;
    const raw = text.slice(start, i);
    if (simple) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail();
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail();
  return v;
}
