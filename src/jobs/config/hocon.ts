// HOCON parser with SeaTunnel's rule: top-level source/transform/sink objects become ordered plugin lists.

import { configSyntax, configUnresolved } from '../errors.ts';
import { type Token, tokenize } from './hocon-lexer.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface HoconOptions {
  /** Where `${VAR}` looks when the path is not in the document (the caller passes process.env; none by default). */
  env?: Record<string, string | undefined>;
  /** Root keys whose object value becomes a list of `{plugin_name, ...}` (SeaTunnel's plugin sections). */
  pluginSections?: readonly string[];
}

const DEFAULT_SECTIONS = ['source', 'transform', 'sink'];

// ---- syntax tree ----------------------------------------------------------------------------

type Node =
  | { t: 'obj'; entries: Entry[]; line: number }
  | { t: 'arr'; items: Node[]; line: number }
  | { t: 'str'; v: string; quoted: boolean; line: number }
  | { t: 'subst'; path: string; optional: boolean; line: number }
  | { t: 'concat'; parts: Node[]; line: number };

interface Entry {
  path: string[];
  append: boolean;
  value: Node;
  line: number;
}

class Parser {
  #toks: Token[];
  #pos = 0;
  constructor(toks: Token[]) {
    this.#toks = toks;
  }
  peek(): Token {
    return this.#toks[this.#pos];
  }
  next(): Token {
    return this.#toks[this.#pos++];
  }
  closedBracket(): boolean {
    const prev = this.#toks[this.#pos - 1];
    return prev !== undefined && (prev.kind === '}' || prev.kind === ']');
  }
  skipNewlinesBeforeBracket(): void {
    let k = this.#pos;
    while (this.#toks[k].kind === 'nl') k++;
    const t = this.#toks[k].kind;
    if (k > this.#pos && (t === '{' || t === '[')) this.#pos = k;
  }
  skipNewlines(): void {
    while (this.peek().kind === 'nl') this.#pos++;
  }

  parseRoot(): Node {
    this.skipNewlines();
    const first = this.peek();
    let root: Node;
    if (first.kind === '{') {
      this.next();
      root = this.parseObjectBody('}', first.line);
    } else if (first.kind === '[') {
      throw configSyntax(first.line, 'the document root must be an object');
    } else {
      root = this.parseObjectBody('eof', first.line);
    }
    this.skipNewlines();
    const end = this.peek();
    if (end.kind !== 'eof') throw configSyntax(end.line, `unexpected '${end.text}' after the end of the document`);
    return root;
  }

  /** Fields up to `close` (consumed unless eof). */
  parseObjectBody(close: '}' | 'eof', line: number): Node {
    const entries: Entry[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.kind === close) {
        if (close === '}') this.next();
        return { t: 'obj', entries, line };
      }
      if (t.kind === 'eof') throw configSyntax(t.line, "expected '}' before the end of the document");
      if (t.kind === ',') throw configSyntax(t.line, "unexpected ','");
      const path = this.parseKey();
      const sep = this.peek();
      let append = false;
      let value: Node;
      if (sep.kind === '{') {
        this.next();
        value = this.parseObjectBody('}', sep.line);
        value = this.continueConcat(value);
      } else if (sep.kind === ':' || sep.kind === '=' || sep.kind === '+=') {
        this.next();
        append = sep.kind === '+=';
        // `key =` followed by an object or list on the next line is accepted (SeaTunnel's configs use it).
        this.skipNewlinesBeforeBracket();
        value = this.parseValue();
      } else {
        throw configSyntax(sep.line, `expected ':' or '=' after key '${path.join('.')}'${sep.kind === 'eof' ? '' : `, got '${sep.text}'`}`);
      }
      entries.push({ path, append, value, line: t.line });
      const after = this.peek();
      if (after.kind === ',') this.next();
      // A value that ends with '}' or ']' may be followed by the next key on the same line.
      else if (after.kind !== 'nl' && after.kind !== close && after.kind !== 'eof' && !this.closedBracket())
        throw configSyntax(after.line, `expected a newline or ',' after the value of '${path.join('.')}', got '${after.text}'`);
    }
  }

  parseKey(): string[] {
    const segments: string[] = [''];
    let any = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'quoted') {
        if (any) segments[segments.length - 1] += t.space;
        segments[segments.length - 1] += t.text;
      } else if (t.kind === 'unquoted') {
        if (any) segments[segments.length - 1] += t.space;
        const parts = t.text.split('.');
        segments[segments.length - 1] += parts[0];
        for (let k = 1; k < parts.length; k++) segments.push(parts[k]);
      } else break;
      any = true;
      this.next();
    }
    if (!any) {
      const t = this.peek();
      throw configSyntax(t.line, `expected a key, got '${t.kind === 'nl' ? 'newline' : t.text}'`);
    }
    if (segments.some((s) => s === '')) throw configSyntax(this.peek().line, `bad path key '${segments.join('.')}'`);
    return segments;
  }

  parseValue(): Node {
    const parts: Node[] = [];
    const line = this.peek().line;
    for (;;) {
      const t = this.peek();
      let part: Node;
      if (t.kind === '{') {
        this.next();
        part = this.parseObjectBody('}', t.line);
      } else if (t.kind === '[') {
        this.next();
        part = this.parseArray(t.line);
      } else if (t.kind === 'quoted') {
        this.next();
        part = { t: 'str', v: t.text, quoted: true, line: t.line };
      } else if (t.kind === 'unquoted') {
        this.next();
        part = { t: 'str', v: t.text, quoted: false, line: t.line };
      } else if (t.kind === 'subst') {
        this.next();
        part = { t: 'subst', path: t.text, optional: t.optional, line: t.line };
      } else break;
      if (parts.length > 0 && t.space !== '') parts.push({ t: 'str', v: t.space, quoted: true, line: t.line });
      parts.push(part);
    }
    if (parts.length === 0) {
      const t = this.peek();
      throw configSyntax(t.line, `expected a value, got '${t.kind === 'nl' ? 'newline' : t.kind === 'eof' ? 'end of input' : t.text}'`);
    }
    return parts.length === 1 ? parts[0] : { t: 'concat', parts, line };
  }

  /** `key { } { }` or `key { } ${x}`: values that follow an object written without a separator. */
  continueConcat(first: Node): Node {
    const t = this.peek();
    if (t.kind !== '{' && t.kind !== 'subst') return first;
    const rest = this.parseValue();
    return { t: 'concat', parts: rest.t === 'concat' ? [first, ...rest.parts] : [first, rest], line: first.line };
  }

  parseArray(line: number): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.kind === ']') {
        this.next();
        return { t: 'arr', items, line };
      }
      if (t.kind === 'eof') throw configSyntax(line, "unterminated array: expected ']'");
      items.push(this.parseValue());
      const after = this.peek();
      if (after.kind === ',') this.next();
      else if (after.kind !== 'nl' && after.kind !== ']') throw configSyntax(after.line, `expected ',' or ']' in array, got '${after.text}'`);
    }
  }
}

// ---- merged tree -----------------------------------------------------------------------------

type BNode =
  | { t: 'obj'; map: Map<string, BNode>; implicit: boolean }
  | { t: 'arr'; items: BNode[] }
  | { t: 'lit'; v: JsonValue; quoted: boolean }
  | { t: 'subst'; path: string; optional: boolean; line: number }
  | { t: 'concat'; parts: BNode[]; line: number };

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function literal(text: string): JsonValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (NUMBER.test(text)) {
    const n = Number(text);
    // Integers beyond 2^53 stay strings so that ids and int64 values keep every digit.
    if (!text.includes('.') && !/[eE]/.test(text) && !Number.isSafeInteger(n)) return text;
    return n;
  }
  return text;
}

class Builder {
  constructor(readonly sections: ReadonlySet<string>) {}

  buildRoot(root: Node): Map<string, BNode> {
    const map = new Map<string, BNode>();
    this.applyEntries(map, (root as { entries: Entry[] }).entries, [], true);
    return map;
  }

  applyEntries(map: Map<string, BNode>, entries: Entry[], prefix: string[], atRoot: boolean): void {
    for (const e of entries) {
      let target = map;
      for (let k = 0; k < e.path.length - 1; k++) {
        const key = e.path[k];
        const cur = target.get(key);
        if (cur && cur.t === 'obj') target = cur.map;
        else {
          const fresh: BNode = { t: 'obj', map: new Map(), implicit: true };
          target.set(key, fresh);
          target = fresh.map;
        }
      }
      const key = e.path[e.path.length - 1];
      const full = [...prefix, ...e.path];
      const prev = target.get(key);
      const plugin = atRoot && e.path.length === 1 && this.sections.has(key) && e.value.t === 'obj';
      let value = plugin ? this.pluginList(e.value as Extract<Node, { t: 'obj' }>, full) : this.build(e.value, full, prev);
      if (e.append) {
        if (prev === undefined) value = { t: 'arr', items: [value] };
        else if (prev.t === 'arr') value = { t: 'arr', items: [...prev.items, value] };
        else value = { t: 'concat', parts: [prev, { t: 'arr', items: [value] }], line: e.line };
      } else if (plugin && prev?.t === 'arr' && value.t === 'arr') {
        value = { t: 'arr', items: [...prev.items, ...value.items] };
      }
      target.set(key, value);
    }
  }

  /** SeaTunnel's plugin-list rule: every block in the section is one plugin, duplicates kept. */
  pluginList(node: Extract<Node, { t: 'obj' }>, prefix: string[]): BNode {
    const items: BNode[] = [];
    for (const e of node.entries) {
      const name = e.path.join('.');
      const value = this.build(e.value, [...prefix, name], undefined);
      if (value.t !== 'obj') throw configSyntax(e.line, `plugin '${name}' in '${prefix[0]}' must be an object`);
      const map = new Map<string, BNode>([['plugin_name', { t: 'lit', v: name, quoted: true }]]);
      for (const [k, v] of value.map) if (k !== 'plugin_name') map.set(k, v);
      items.push({ t: 'obj', map, implicit: false });
    }
    return { t: 'arr', items };
  }

  build(node: Node, path: string[], prev: BNode | undefined): BNode {
    switch (node.t) {
      case 'obj': {
        // An object assigned over an object merges into it.
        const map = prev?.t === 'obj' ? cloneMap(prev.map) : new Map<string, BNode>();
        this.applyEntries(map, node.entries, path, false);
        return { t: 'obj', map, implicit: false };
      }
      case 'arr':
        return { t: 'arr', items: node.items.map((n, i) => this.build(n, [...path, String(i)], undefined)) };
      case 'str':
        return { t: 'lit', v: node.quoted ? node.v : literal(node.v), quoted: node.quoted };
      case 'subst':
        // A self-reference (`path = ${path}...`) means the value this key had before.
        if (node.path === path.join('.')) {
          if (prev !== undefined) return prev;
          if (node.optional) return { t: 'lit', v: undefined as unknown as JsonValue, quoted: true };
        }
        return { t: 'subst', path: node.path, optional: node.optional, line: node.line };
      case 'concat': {
        const parts: BNode[] = [];
        let objPrev = prev;
        for (const p of node.parts) {
          const b = this.build(p, path, objPrev);
          // In `a = ${a} { x = 1 }` the second object merges into what came before it.
          if (p.t === 'obj' && parts.length > 0 && parts[parts.length - 1].t === 'obj') parts.pop();
          parts.push(b);
          objPrev = b;
        }
        return { t: 'concat', parts, line: node.line };
      }
    }
  }
}

function cloneMap(map: Map<string, BNode>): Map<string, BNode> {
  const out = new Map<string, BNode>();
  for (const [k, v] of map) out.set(k, v.t === 'obj' ? { t: 'obj', map: cloneMap(v.map), implicit: v.implicit } : v);
  return out;
}

// ---- substitution and conversion --------------------------------------------------------------

const ABSENT = Symbol('absent');

/** SeaTunnel's reserved sink placeholders, which HOCON must leave unresolved. */
const RESERVED_PLACEHOLDERS = new Set(['database_name', 'schema_name', 'table_name', 'schema_full_name', 'table_full_name', 'primary_key', 'unique_key', 'field_names']);
type Resolved = BNode | typeof ABSENT;

class Resolver {
  #active = new Set<string>();
  constructor(
    readonly root: Map<string, BNode>,
    readonly env: Record<string, string | undefined>,
  ) {}

  lookup(path: string): BNode | undefined {
    let cur: BNode | undefined = { t: 'obj', map: this.root, implicit: false };
    for (const seg of path.split('.')) {
      if (cur?.t !== 'obj') return undefined;
      cur = cur.map.get(seg);
    }
    return cur;
  }

  resolve(node: BNode): Resolved {
    switch (node.t) {
      case 'lit':
        return node.v === undefined ? ABSENT : node;
      case 'obj': {
        const map = new Map<string, BNode>();
        for (const [k, v] of node.map) {
          const r = this.resolve(v);
          if (r !== ABSENT) map.set(k, r);
        }
        return { t: 'obj', map, implicit: node.implicit };
      }
      case 'arr': {
        const items: BNode[] = [];
        for (const v of node.items) {
          const r = this.resolve(v);
          if (r !== ABSENT) items.push(r);
        }
        return { t: 'arr', items };
      }
      case 'subst': {
        // SeaTunnel's variable syntax also allows a default: `${name:default}` (`${name:}` = empty).
        const colon = node.path.indexOf(':');
        const path = colon < 0 ? node.path : node.path.slice(0, colon);
        const fallback = colon < 0 ? undefined : node.path.slice(colon + 1);
        if (this.#active.has(path)) throw configSyntax(node.line, `substitution cycle through \${${path}}`);
        const target = this.lookup(path);
        if (target !== undefined) {
          this.#active.add(path);
          try {
            return this.resolve(target);
          } finally {
            this.#active.delete(path);
          }
        }
        const fromEnv = this.env[path];
        if (fromEnv !== undefined) return { t: 'lit', v: fromEnv, quoted: true };
        if (fallback !== undefined) return { t: 'lit', v: fallback, quoted: true };
        if (node.optional) return ABSENT;
        // Sink placeholders are filled per table later; they stay as written.
        if (RESERVED_PLACEHOLDERS.has(path)) return { t: 'lit', v: `\${${path}}`, quoted: true };
        throw configUnresolved(node.line, path);
      }
      case 'concat': {
        const parts: BNode[] = [];
        for (const p of node.parts) {
          const r = this.resolve(p);
          if (r !== ABSENT) parts.push(r);
        }
        return concatenate(parts, node.line);
      }
    }
  }
}

function concatenate(parts: BNode[], line: number): Resolved {
  const solid = parts.filter((p) => !(p.t === 'lit' && p.quoted && typeof p.v === 'string' && p.v.trim() === ''));
  if (parts.length === 0) return ABSENT;
  if (solid.length > 0 && solid.every((p) => p.t === 'obj')) {
    let acc = solid[0] as Extract<BNode, { t: 'obj' }>;
    for (const p of solid.slice(1)) acc = mergeObjects(acc, p as Extract<BNode, { t: 'obj' }>);
    return acc;
  }
  if (solid.length > 0 && solid.every((p) => p.t === 'arr')) {
    return { t: 'arr', items: solid.flatMap((p) => (p as Extract<BNode, { t: 'arr' }>).items) };
  }
  if (parts.every((p) => p.t === 'lit')) {
    if (parts.length === 1) return parts[0];
    return { t: 'lit', v: parts.map((p) => String((p as { v: JsonValue }).v)).join(''), quoted: true };
  }
  throw configSyntax(line, 'cannot concatenate an object or array with a different kind of value');
}

function mergeObjects(a: Extract<BNode, { t: 'obj' }>, b: Extract<BNode, { t: 'obj' }>): Extract<BNode, { t: 'obj' }> {
  const map = new Map(a.map);
  for (const [k, v] of b.map) {
    const old = map.get(k);
    map.set(k, old?.t === 'obj' && v.t === 'obj' ? mergeObjects(old, v) : v);
  }
  return { t: 'obj', map, implicit: a.implicit && b.implicit };
}

function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** True when a tree made only by dotted keys ends in scalars and arrays (then `row.num` stays one flat key). */
function flattenable(node: BNode): boolean {
  if (node.t !== 'obj') return true;
  if (!node.implicit) return false;
  for (const v of node.map.values()) if (!flattenable(v)) return false;
  return true;
}

function toJson(node: BNode, atRoot: boolean): JsonValue {
  switch (node.t) {
    case 'lit':
      return node.v;
    case 'arr':
      return node.items.map((n) => toJson(n, false));
    case 'obj': {
      const out: JsonObject = {};
      for (const [k, v] of node.map) {
        if (!atRoot && v.t === 'obj' && v.implicit && flattenable(v)) flattenInto(out, k, v);
        else setKey(out, k, toJson(v, false));
      }
      return out;
    }
    default:
      throw new Error('unresolved node after resolution');
  }
}

function flattenInto(out: JsonObject, prefix: string, node: Extract<BNode, { t: 'obj' }>): void {
  for (const [k, v] of node.map) {
    if (v.t === 'obj') flattenInto(out, `${prefix}.${k}`, v);
    else setKey(out, `${prefix}.${k}`, toJson(v, false));
  }
}

/** Parses a HOCON (or JSON) document into plain JSON values. Throws `E_JOB_CONFIG_SYNTAX` with a line. */
export function parseHocon(text: string, options: HoconOptions = {}): JsonObject {
  const root = new Parser(tokenize(text)).parseRoot();
  const built = new Builder(new Set(options.pluginSections ?? DEFAULT_SECTIONS)).buildRoot(root);
  const resolver = new Resolver(built, options.env ?? {});
  const resolved = resolver.resolve({ t: 'obj', map: built, implicit: false });
  if (resolved === ABSENT) return {};
  return toJson(resolved, true) as JsonObject;
}

/**
 * Parses strict JSON of any shape (arrays too) keeping integers beyond 2^53 as exact digit strings.
 * Throws SyntaxError (from JSON.parse) when the text is not JSON.
 */
export function parseJsonExact(text: string): JsonValue {
  JSON.parse(text);
  // JSON is HOCON; wrapping makes any JSON value a field of an object root.
  return parseHocon(`{"v":${text}\n}`, { pluginSections: [] }).v;
}
