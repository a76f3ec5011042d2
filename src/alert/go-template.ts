// A Go text/template (and html/template text-context) compatible engine for alert ids, messages, details and bodies.

import type { Instant } from '../core/time.ts';
import { formatGoDuration, formatRFC3339Nano } from '../core/time.ts';
import { TemplateError } from '../tick/errors.ts';

/** A Go `map[string]T`: printed `map[k:v]` with sorted keys, marshalled as a JSON object. */
export class GoMap {
  constructor(readonly entries: Readonly<Record<string, unknown>>) {}
  get(key: string): unknown {
    return Object.hasOwn(this.entries, key) ? this.entries[key] : undefined;
  }
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(this.entries).sort()) out[k] = this.entries[k];
    return out;
  }
}

/** A Go `time.Time` in UTC. */
export class GoTime {
  constructor(
    readonly ms: number,
    readonly ns: number,
  ) {}
  static of(t: Instant): GoTime {
    return new GoTime(t.ms, t.ns);
  }
  /** `2006-01-02 15:04:05.999999999 +0000 UTC`, as Time.String prints it. */
  toString(): string {
    const rfc = formatRFC3339Nano({ ms: this.ms, ns: this.ns });
    return `${rfc.slice(0, 10)} ${rfc.slice(11, -1)} +0000 UTC`;
  }
  toJSON(): string {
    return formatRFC3339Nano({ ms: this.ms, ns: this.ns });
  }
}

/** A Go `time.Duration` (ns): printed `1m30s`, marshalled as integer nanoseconds. */
export class GoDuration {
  constructor(readonly ns: number) {}
  toString(): string {
    return formatGoDuration(this.ns);
  }
  toJSON(): bigint {
    return BigInt(this.ns);
  }
}

type Fn = (...args: unknown[]) => unknown;

/** Template functions beyond Go's built-ins (`json`, `jsonCompact` for details). */
export type FuncMap = Record<string, Fn>;

// ── Lexing and parsing ──────────────────────────────────────────────────────────────────────

type Operand =
  | { k: 'field'; base: 'dot' | string; path: string[] } // `.A.B`, `$x.A`, `$`
  | { k: 'lit'; v: unknown }
  | { k: 'fn'; name: string }
  | { k: 'pipe'; p: Pipeline };

interface Command {
  args: Operand[];
}

interface Pipeline {
  decl: string[];
  cmds: Command[];
}

type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; p: Pipeline }
  | { k: 'if' | 'with'; p: Pipeline; then: Node[]; else: Node[] }
  | { k: 'range'; p: Pipeline; body: Node[]; else: Node[] };

interface Action {
  text: string;
}

function splitActions(src: string): (string | Action)[] {
  const out: (string | Action)[] = [];
  let i = 0;
  let pendingTrim = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (pendingTrim) text = text.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (text !== '') out.push(text);
      break;
    }
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (text !== '') out.push(text);
    const close = findClose(src, start);
    if (close < 0) throw new TemplateError('template: unclosed action');
    let end = close;
    pendingTrim = false;
    if (end - 2 >= start && /[ \t\r\n]-$/.test(src.slice(end - 2, end))) {
      end -= 1;
      pendingTrim = true;
    }
    out.push({ text: src.slice(start, end).trim() });
    i = close + 2;
  }
  return out;
}

/** The `}}` closing an action, skipping quoted strings. */
function findClose(src: string, from: number): number {
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") {
      const q = c;
      i++;
      while (i < src.length && src[i] !== q) i += src[i] === '\\' && q !== '`' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '}' && src[i + 1] === '}') return i;
    i++;
  }
  return -1;
}

type Tok = { t: 'str' | 'num' | 'ident' | 'field' | 'var' | 'op'; v: string };

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      toks.push({ t: 'str', v: JSON.parse(text.slice(i, j + 1)) as string });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError('template: unterminated raw quoted string');
      toks.push({ t: 'str', v: text.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (c === '(' || c === ')' || c === '|' || c === ',') {
      toks.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if (c === ':' && text[i + 1] === '=') {
      toks.push({ t: 'op', v: ':=' });
      i += 2;
      continue;
    }
    if (c === '=') {
      toks.push({ t: 'op', v: '=' });
      i++;
      continue;
    }
    const m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+|^\.|^\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|^[A-Za-z_][A-Za-z0-9_]*/.exec(
      text.slice(i),
    );
    if (m === null) throw new TemplateError(`template: unexpected "${c}" in command`);
    const w = m[0];
    if (w[0] === '.') toks.push({ t: 'field', v: w });
    else if (w[0] === '$') toks.push({ t: 'var', v: w });
    else if (/^-?\d/.test(w)) toks.push({ t: 'num', v: w });
    else toks.push({ t: 'ident', v: w });
    i += w.length;
  }
  return toks;
}

class PipeParser {
  #i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  pipeline(): Pipeline {
    const decl: string[] = [];
    // `$x := ...` or `$i, $v := ...`
    const save = this.#i;
    const vars: string[] = [];
    while (this.toks[this.#i]?.t === 'var' && !this.toks[this.#i].v.includes('.')) {
      vars.push(this.toks[this.#i].v);
      this.#i++;
      if (this.toks[this.#i]?.v === ',') this.#i++;
      else break;
    }
    if (vars.length > 0 && (this.toks[this.#i]?.v === ':=' || this.toks[this.#i]?.v === '=')) {
      this.#i++;
      decl.push(...vars);
    } else this.#i = save;
    const cmds: Command[] = [this.command()];
    while (this.toks[this.#i]?.v === '|') {
      this.#i++;
      cmds.push(this.command());
    }
    return { decl, cmds };
  }

  get done(): boolean {
    return this.#i >= this.toks.length;
  }

  command(): Command {
    const args: Operand[] = [];
    while (this.#i < this.toks.length) {
      const t = this.toks[this.#i];
      if (t.t === 'op' && (t.v === '|' || t.v === ')')) break;
      args.push(this.operand());
    }
    if (args.length === 0) throw new TemplateError('template: missing value for command');
    return { args };
  }

  operand(): Operand {
    const t = this.toks[this.#i++];
    switch (t.t) {
      case 'str':
        return { k: 'lit', v: t.v };
      case 'num':
        return { k: 'lit', v: /[.eE]/.test(t.v) ? Number(t.v) : BigInt(t.v) };
      case 'field':
        return { k: 'field', base: 'dot', path: t.v === '.' ? [] : t.v.slice(1).split('.') };
      case 'var': {
        const [name, ...path] = t.v.split('.');
        return { k: 'field', base: name, path };
      }
      case 'ident':
        if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' };
        if (t.v === 'nil') return { k: 'lit', v: undefined };
        if (!this.funcs.has(t.v)) throw new TemplateError(`template: function "${t.v}" not defined`);
        return { k: 'fn', name: t.v };
      default:
        if (t.v === '(') {
          const p = this.pipeline();
          if (this.toks[this.#i++]?.v !== ')') throw new TemplateError('template: unclosed left paren');
          return { k: 'pipe', p };
        }
        throw new TemplateError(`template: unexpected "${t.v}" in operand`);
    }
  }
}

function parseNodes(parts: (string | Action)[], funcs: ReadonlySet<string>): Node[] {
  let pos = 0;
  const pipe = (text: string): Pipeline => {
    const p = new PipeParser(tokenize(text), funcs);
    const out = p.pipeline();
    if (!p.done) throw new TemplateError(`template: unexpected token in "${text}"`);
    return out;
  };
  // Parses until `end` / `else`; returns the list and the terminator.
  const list = (): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (pos < parts.length) {
      const part = parts[pos++];
      if (typeof part === 'string') {
        nodes.push({ k: 'text', text: part });
        continue;
      }
      const text = part.text;
      if (text.startsWith('/*')) continue;
      const word = /^[a-z]+/.exec(text)?.[0] ?? '';
      const rest = text.slice(word.length).trim();
      if (word === 'end') return { nodes, stop: 'end' };
      if (word === 'else') return { nodes, stop: rest === '' ? 'else' : `else ${rest}` };
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(block(word, rest));
        continue;
      }
      nodes.push({ k: 'action', p: pipe(text) });
    }
    return { nodes, stop: 'eof' };
  };
  const block = (word: 'if' | 'with' | 'range', cond: string): Node => {
    const body = list();
    let elseNodes: Node[] = [];
    if (body.stop === 'else') {
      const e = list();
      if (e.stop !== 'end') throw new TemplateError(`template: unexpected EOF in ${word}`);
      elseNodes = e.nodes;
    } else if (body.stop.startsWith('else ')) {
      // `{{ else if x }}` chains: the rest of the chain shares this block's `end`.
      const chained = body.stop.slice(5).trim();
      const w = /^[a-z]+/.exec(chained)?.[0];
      if (w !== 'if' && w !== 'with') throw new TemplateError(`template: unexpected "${chained}" after else`);
      elseNodes = [block(w, chained.slice(w.length).trim())];
    } else if (body.stop !== 'end') throw new TemplateError(`template: unexpected EOF in ${word}`);
    const p = pipe(cond);
    return word === 'range' ? { k: 'range', p, body: body.nodes, else: elseNodes } : { k: word, p, then: body.nodes, else: elseNodes };
  };
  const top = list();
  if (top.stop !== 'eof') throw new TemplateError(`template: unexpected {{${top.stop}}}`);
  return top.nodes;
}

// ── Values and printing ────────────────────────────────────────────────────────────────────

/** Go's `%v` of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e6 on. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = f.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return String(f);
}

/** Go's `%v` of a template value. */
export function printValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return goFloat(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return '<no value>';
  }
  if (v === null) return '<nil>';
  if (v instanceof GoMap) {
    const keys = Object.keys(v.entries).sort();
    return `map[${keys.map((k) => `${k}:${printValue(v.entries[k])}`).join(' ')}]`;
  }
  if (v instanceof GoTime || v instanceof GoDuration) return v.toString();
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  return `{${Object.values(v as object)
    .map(printValue)
    .join(' ')}}`;
}

function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'string':
      return v !== '';
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'boolean':
      return v;
  }
  if (v instanceof GoMap) return Object.keys(v.entries).length > 0;
  if (v instanceof GoDuration) return v.ns !== 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function basic(v: unknown): unknown {
  if (v instanceof GoDuration) return BigInt(v.ns);
  return v;
}

function compare(op: string, a: unknown, b: unknown): number {
  const x = basic(a);
  const y = basic(b);
  if (typeof x !== typeof y) throw new TemplateError(`template: error calling ${op}: incompatible types for comparison`);
  if (typeof x === 'boolean' || x === undefined) {
    if (op !== 'eq' && op !== 'ne') throw new TemplateError(`template: error calling ${op}: invalid type for comparison`);
    return x === y ? 0 : 1;
  }
  if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'bigint') {
    throw new TemplateError(`template: error calling ${op}: invalid type for comparison`);
  }
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

/** A subset of Go's fmt verbs: %v %s %d %f %e %g %q %t %x %%, with flags, width and precision. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let ai = 0;
  const re = /%([-+# 0]*)(\d+)?(?:\.(\d+))?([vsdfeEgGqtxX%])/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags, width, prec, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = basic(args[ai++]);
    let s: string;
    const p = prec === undefined ? undefined : Number(prec);
    switch (verb) {
      case 'd':
        s = typeof a === 'bigint' ? a.toString() : `%!d(${typeName(a)}=${printValue(a)})`;
        break;
      case 'f':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (typeof a !== 'number') {
          s = `%!${verb}(${typeName(a)}=${printValue(a)})`;
          break;
        }
        if (verb === 'f') s = goFixed(a, p ?? 6);
        else if (verb === 'e' || verb === 'E') s = goExp(a.toExponential(p ?? 6), verb === 'E');
        else s = p === undefined ? goFloat(a) : goExp(a.toPrecision(p), verb === 'G');
        if (flags.includes('+') && a >= 0) s = `+${s}`;
        break;
      }
      case 'q':
        s = JSON.stringify(printValue(a));
        break;
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${typeName(a)}=${printValue(a)})`;
        break;
      case 'x':
      case 'X':
        s = typeof a === 'bigint' ? a.toString(16) : Buffer.from(printValue(a)).toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      default:
        s = printValue(args[ai - 1]);
        if (verb === 's' && p !== undefined) s = s.slice(0, p);
    }
    if (width !== undefined && s.length < Number(width)) {
      const n = Number(width) - s.length;
      if (flags.includes('-')) s += ' '.repeat(n);
      else if (flags.includes('0') && verb !== 's' && verb !== 'v' && verb !== 'q') {
        const sign = /^[-+]/.test(s) ? s[0] : '';
        s = sign + '0'.repeat(n) + s.slice(sign.length);
      } else s = ' '.repeat(n) + s;
    }
    out += s;
  }
  out += format.slice(last);
  if (ai < args.length) out += `%!(EXTRA ${args.slice(ai).map((a) => `${typeName(a)}=${printValue(a)}`).join(', ')})`;
  return out;
}

/** toFixed with Go's rounding: exact halves go to the even digit (JavaScript rounds them up). */
function goFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  if (!Number.isFinite(x) || digits > 40) return s;
  const exact = Math.abs(x).toFixed(digits + 60);
  const cut = exact.indexOf('.') + digits + (digits === 0 ? 0 : 1);
  const tail = exact.slice(cut).replace('.', '');
  if (!/^50*$/.test(tail)) return s;
  const down = exact.slice(0, cut).replace(/\.$/, '');
  const last = down.replace('.', '').slice(-1);
  if (Number(last) % 2 === 1) return s;
  return (x < 0 ? '-' : '') + down;
}

function goExp(js: string, upper: boolean): string {
  const m = /^(.*)e([-+])(\d+)$/.exec(js);
  if (m === null) return js;
  const s = `${m[1]}e${m[2]}${m[3].padStart(2, '0')}`;
  return upper ? s.toUpperCase() : s;
}

function typeName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (v instanceof GoMap) return 'map[string]interface {}';
  return '<nil>';
}

const HTML_ESCAPES: Record<string, string> = {
  '\u0000': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};

/** html/template's escaper for text context. */
export function htmlEscape(s: string): string {
  return s.replace(/[\u0000"&'+<>]/g, (c) => HTML_ESCAPES[c]);
}

const BUILTINS: FuncMap = {
  and: (...a) => {
    for (const v of a) if (!truth(v)) return v;
    return a[a.length - 1];
  },
  or: (...a) => {
    for (const v of a) if (truth(v)) return v;
    return a[a.length - 1];
  },
  not: (a) => !truth(a),
  eq: (a, ...rest) => rest.some((b) => compare('eq', a, b) === 0),
  ne: (a, b) => compare('ne', a, b) !== 0,
  lt: (a, b) => compare('lt', a, b) < 0,
  le: (a, b) => compare('le', a, b) <= 0,
  gt: (a, b) => compare('gt', a, b) > 0,
  ge: (a, b) => compare('ge', a, b) >= 0,
  len: (a) => {
    if (typeof a === 'string') return BigInt(Buffer.byteLength(a));
    if (a instanceof GoMap) return BigInt(Object.keys(a.entries).length);
    if (Array.isArray(a)) return BigInt(a.length);
    throw new TemplateError(`template: error calling len: len of type ${typeName(a)}`);
  },
  index: (a, ...keys) => {
    let cur = a;
    for (const k of keys) {
      if (cur instanceof GoMap) cur = cur.get(String(k));
      else if (Array.isArray(cur)) cur = cur[Number(k)];
      else throw new TemplateError(`template: error calling index: can't index item of type ${typeName(cur)}`);
    }
    return cur;
  },
  print: (...a) => a.map(printValue).join(''),
  println: (...a) => `${a.map(printValue).join(' ')}\n`,
  printf: (f, ...a) => sprintf(String(f), a),
  html: (...a) => htmlEscape(a.map(printValue).join('')),
  js: (...a) =>
    a
      .map(printValue)
      .join('')
      .replace(/[\\'"<>&=]/g, (c) => `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`),
  urlquery: (...a) => encodeURIComponent(a.map(printValue).join('')).replace(/%20/g, '+'),
};

// ── Execution ──────────────────────────────────────────────────────────────────────────────

interface Env {
  root: unknown;
  vars: Map<string, unknown>;
  funcs: FuncMap;
}

function lookup(v: unknown, name: string): unknown {
  if (v instanceof GoMap) return v.get(name);
  if (v !== null && typeof v === 'object' && Object.hasOwn(v, name)) return (v as Record<string, unknown>)[name];
  throw new TemplateError(`template: can't evaluate field ${name} in type ${typeName(v) === '<nil>' ? 'interface {}' : typeName(v)}`);
}

function evalOperand(o: Operand, dot: unknown, env: Env): unknown {
  switch (o.k) {
    case 'lit':
      return o.v;
    case 'pipe':
      return evalPipeline(o.p, dot, env);
    case 'fn':
      return env.funcs[o.name]();
    case 'field': {
      let cur: unknown;
      if (o.base === 'dot') cur = dot;
      else if (o.base === '$') cur = env.root;
      else {
        if (!env.vars.has(o.base)) throw new TemplateError(`template: undefined variable "${o.base}"`);
        cur = env.vars.get(o.base);
      }
      for (const name of o.path) cur = lookup(cur, name);
      return cur;
    }
  }
}

function evalCommand(c: Command, dot: unknown, env: Env, piped: unknown, hasPiped: boolean): unknown {
  const head = c.args[0];
  if (head.k === 'fn') {
    const args = c.args.slice(1).map((a) => evalOperand(a, dot, env));
    if (hasPiped) args.push(piped);
    const fn = env.funcs[head.name];
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      throw new TemplateError(`template: error calling ${head.name}: ${(err as Error).message}`);
    }
  }
  if (c.args.length > 1 || hasPiped) throw new TemplateError("template: can't give argument to non-function");
  return evalOperand(head, dot, env);
}

function evalPipeline(p: Pipeline, dot: unknown, env: Env): unknown {
  let v: unknown;
  p.cmds.forEach((c, i) => {
    v = evalCommand(c, dot, env, v, i > 0);
  });
  if (p.decl.length > 0) env.vars.set(p.decl[p.decl.length - 1], v);
  return v;
}

function exec(nodes: Node[], dot: unknown, env: Env, out: string[], escape: ((s: string) => string) | undefined): void {
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
        out.push(n.text);
        break;
      case 'action': {
        const v = evalPipeline(n.p, dot, env);
        if (n.p.decl.length === 0) {
          const s = printValue(v);
          out.push(escape ? escape(s) : s);
        }
        break;
      }
      case 'if':
      case 'with': {
        const v = evalPipeline(n.p, dot, env);
        if (truth(v)) exec(n.then, n.k === 'with' ? v : dot, env, out, escape);
        else exec(n.else, dot, env, out, escape);
        break;
      }
      case 'range': {
        const decl = n.p.decl;
        const v = evalPipeline({ decl: [], cmds: n.p.cmds }, dot, env);
        const items: [unknown, unknown][] =
          v instanceof GoMap
            ? Object.keys(v.entries)
                .sort()
                .map((k) => [k, v.entries[k]])
            : Array.isArray(v)
              ? v.map((x, i) => [BigInt(i), x])
              : [];
        if (items.length === 0) exec(n.else, dot, env, out, escape);
        for (const [k, x] of items) {
          if (decl.length === 1) env.vars.set(decl[0], x);
          if (decl.length === 2) {
            env.vars.set(decl[0], k);
            env.vars.set(decl[1], x);
          }
          exec(n.body, x, env, out, escape);
        }
        break;
      }
    }
  }
}

export interface TemplateOptions {
  /** Extra functions (Kapacitor's details templates add `json` and `jsonCompact`). */
  funcs?: FuncMap;
  /** html/template: every action's output is HTML-escaped (alert details). */
  html?: boolean;
}

/** A parsed template; `render` is pure and may be called concurrently. */
export class GoTemplate {
  readonly #nodes: Node[];
  readonly #funcs: FuncMap;
  readonly #html: boolean;
  /** True when the template is plain text (no actions): rendering returns it unchanged. */
  readonly constant: string | undefined;

  constructor(
    readonly source: string,
    options: TemplateOptions = {},
  ) {
    this.#funcs = { ...BUILTINS, ...options.funcs };
    this.#html = options.html ?? false;
    this.#nodes = parseNodes(splitActions(source), new Set(Object.keys(this.#funcs)));
    this.constant = this.#nodes.every((n) => n.k === 'text') ? this.#nodes.map((n) => (n as { text: string }).text).join('') : undefined;
  }

  render(data: unknown): string {
    if (this.constant !== undefined) return this.constant;
    const out: string[] = [];
    exec(this.#nodes, data, { root: data, vars: new Map([['$', data]]), funcs: this.#funcs }, out, this.#html ? htmlEscape : undefined);
    return out.join('');
  }
}
