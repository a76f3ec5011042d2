// Go text/template for alert ids, messages and details: parsed once, rendered per event, printing values as Go does.

import { formatGoDuration } from '../core/time.ts';
import { TemplateError } from './errors.ts';
import { formatGoFloat } from './lambda/functions.ts';
import { goScalarType } from './values.ts';

/** A Go `time.Time` in template data. */
export interface TemplateTime {
  readonly type: 'timeval';
  readonly ms: number;
  readonly ns: number;
}

/** A Go `time.Duration` in template data (ns). */
export interface TemplateDuration {
  readonly type: 'duration';
  readonly ns: number;
}

export type TemplateFunc = (...args: unknown[]) => unknown;

export interface TemplateOptions {
  /** Extra functions (Kapacitor adds `json`/`jsonCompact` to details templates). */
  readonly funcs?: Readonly<Record<string, TemplateFunc>>;
  /** html/template: escape every printed value for an HTML text context (alert details). */
  readonly html?: boolean;
}

export interface CompiledTemplate {
  readonly name: string;
  readonly source: string;
  render(data: unknown): string;
}

// ---- lexing ---------------------------------------------------------------------------------------

type Item =
  | { kind: 'text'; text: string; line: number }
  | { kind: 'action'; body: string; line: number };

function split(name: string, src: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open === -1 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open === -1) {
      if (text) items.push({ kind: 'text', text, line });
      break;
    }
    let bodyStart = open + 2;
    if (src.startsWith('- ', bodyStart) || src.startsWith('-\t', bodyStart) || src.startsWith('-\n', bodyStart)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      bodyStart += 1;
    }
    if (text) items.push({ kind: 'text', text, line });
    line += countNewlines(src.slice(i, open));
    // Find the closing delimiter outside quotes.
    let j = bodyStart;
    let quote = '';
    for (; j < src.length; j++) {
      const c = src[j]!;
      if (quote) {
        if (c === '\\' && quote !== '`') j++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === '`' || c === "'") quote = c;
      else if (c === '}' && src[j + 1] === '}') break;
    }
    if (j >= src.length) throw new TemplateError(`template: ${name}:${line}: unclosed action`);
    let body = src.slice(bodyStart, j);
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    items.push({ kind: 'action', body, line });
    line += countNewlines(src.slice(open, j + 2));
    i = j + 2;
  }
  return items;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 10) n++;
  return n;
}

type Tok =
  | { t: 'field'; path: string[] } // .A.B  ('.' alone → [])
  | { t: 'var'; name: string; path: string[] } // $x.A
  | { t: 'ident'; name: string }
  | { t: 'string'; value: string }
  | { t: 'number'; value: number | bigint }
  | { t: 'bool'; value: boolean }
  | { t: 'nil' }
  | { t: 'pipe' }
  | { t: 'lparen' }
  | { t: 'rparen' }
  | { t: 'declare' } // :=
  | { t: 'assign' } // =
  | { t: 'comma' };

function tokenize(body: string, err: (m: string) => never): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const ident = /[A-Za-z_][A-Za-z0-9_]*/y;
  while (i < body.length) {
    const c = body[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '|') {
      toks.push({ t: 'pipe' });
      i++;
    } else if (c === '(') {
      toks.push({ t: 'lparen' });
      i++;
    } else if (c === ')') {
      toks.push({ t: 'rparen' });
      i++;
      // A field chain may follow a parenthesised pipeline: (...).Field is rare; not supported.
    } else if (c === ',') {
      toks.push({ t: 'comma' });
      i++;
    } else if (c === ':' && body[i + 1] === '=') {
      toks.push({ t: 'declare' });
      i += 2;
    } else if (c === '=') {
      toks.push({ t: 'assign' });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let out = '';
      for (; j < body.length && body[j] !== '"'; j++) {
        if (body[j] === '\\') {
          j++;
          const e = body[j];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : (e ?? '');
        } else out += body[j];
      }
      if (j >= body.length) err('unterminated quoted string');
      toks.push({ t: 'string', value: out });
      i = j + 1;
    } else if (c === '`') {
      const j = body.indexOf('`', i + 1);
      if (j === -1) err('unterminated raw quoted string');
      toks.push({ t: 'string', value: body.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      const j = body.indexOf("'", i + 1);
      if (j === -1) err('unterminated character constant');
      toks.push({ t: 'number', value: BigInt(body.codePointAt(i + 1) ?? 0) });
      i = j + 1;
    } else if (c === '.' || c === '$') {
      let name = '';
      let j = i;
      if (c === '$') {
        j++;
        ident.lastIndex = j;
        const m = ident.exec(body);
        name = m ? m[0] : '';
        j += name.length;
      }
      const path: string[] = [];
      while (body[j] === '.') {
        ident.lastIndex = j + 1;
        const m = ident.exec(body);
        if (!m) {
          j++;
          break;
        }
        path.push(m[0]);
        j += 1 + m[0].length;
      }
      toks.push(c === '$' ? { t: 'var', name: `$${name}`, path } : { t: 'field', path });
      i = j;
    } else if (/[0-9+-]/.test(c)) {
      const m = /[+-]?(0x[0-9a-fA-F]+|\d+(\.\d*)?([eE][+-]?\d+)?|\.\d+)/y;
      m.lastIndex = i;
      const r = m.exec(body);
      if (!r) err(`bad number syntax: "${c}"`);
      const text = r[0];
      toks.push({ t: 'number', value: /[.eE]/.test(text) && !text.startsWith('0x') ? Number(text) : BigInt(text) });
      i += text.length;
    } else {
      ident.lastIndex = i;
      const m = ident.exec(body);
      if (!m) err(`unexpected "${c}" in command`);
      const w = m[0];
      toks.push(w === 'true' || w === 'false' ? { t: 'bool', value: w === 'true' } : w === 'nil' ? { t: 'nil' } : { t: 'ident', name: w });
      i += w.length;
    }
  }
  return toks;
}

// ---- parse tree -----------------------------------------------------------------------------------

type Arg =
  | { k: 'field'; path: string[] }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'lit'; value: unknown }
  | { k: 'call'; name: string }
  | { k: 'sub'; pipe: Pipe };

interface Cmd {
  args: Arg[];
}

interface Pipe {
  decl?: string;
  assign?: boolean;
  cmds: Cmd[];
}

type TNode =
  | { k: 'text'; text: string }
  | { k: 'print'; pipe: Pipe; line: number }
  | { k: 'if' | 'with'; pipe: Pipe; yes: TNode[]; no: TNode[] }
  | { k: 'range'; pipe: Pipe; body: TNode[]; else: TNode[]; key?: string; value?: string };

const BUILTINS = new Set([
  'and',
  'or',
  'not',
  'len',
  'index',
  'print',
  'printf',
  'println',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'html',
  'js',
  'urlquery',
  'slice',
  'call',
]);

class TParser {
  readonly #items: Item[];
  #pos = 0;
  readonly #name: string;
  readonly #funcs: ReadonlySet<string>;
  #depth = 0;

  constructor(name: string, items: Item[], funcs: ReadonlySet<string>) {
    this.#name = name;
    this.#items = items;
    this.#funcs = funcs;
  }

  err(line: number, m: string): never {
    throw new TemplateError(`template: ${this.#name}:${line}: ${m}`);
  }

  parseList(stops: string[]): { nodes: TNode[]; stop: string; stopItem?: Extract<Item, { kind: 'action' }> } {
    const nodes: TNode[] = [];
    while (this.#pos < this.#items.length) {
      const it = this.#items[this.#pos++]!;
      if (it.kind === 'text') {
        nodes.push({ k: 'text', text: it.text });
        continue;
      }
      const body = it.body.trim();
      if (body.startsWith('/*')) continue;
      const word = /^(\w+)/.exec(body)?.[1] ?? '';
      if (word === 'end' || word === 'else') {
        if (!stops.includes(word)) this.err(it.line, `unexpected {{${word}}}`);
        return { nodes, stop: word, stopItem: it };
      }
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(this.parseControl(word, body.slice(word.length), it.line));
        continue;
      }
      if (word === 'define' || word === 'template' || word === 'block') this.err(it.line, `{{${word}}} is not supported`);
      nodes.push({ k: 'print', pipe: this.parsePipe(body, it.line), line: it.line });
    }
    if (stops.length > 0) this.err(this.#items[this.#items.length - 1]?.line ?? 1, 'unexpected EOF');
    return { nodes, stop: 'eof' };
  }

  parseControl(word: 'if' | 'with' | 'range', rest: string, line: number): TNode {
    if (++this.#depth > 200) this.err(line, 'template nested too deeply');
    try {
      return this.#control(word, rest, line);
    } finally {
      this.#depth--;
    }
  }

  #control(word: 'if' | 'with' | 'range', rest: string, line: number): TNode {
    let key: string | undefined;
    let value: string | undefined;
    let text = rest;
    if (word === 'range') {
      const m = /^\s*(\$\w*)\s*(?:,\s*(\$\w*)\s*)?:=/.exec(text);
      if (m) {
        if (m[2]) {
          key = m[1];
          value = m[2];
        } else value = m[1];
        text = text.slice(m[0].length);
      }
    }
    const pipe = this.parsePipe(text, line);
    const body = this.parseList(['end', 'else']);
    let elseNodes: TNode[] = [];
    if (body.stop === 'else') {
      const elseBody = body.stopItem!.body.trim().slice(4).trim();
      if (elseBody.startsWith('if') && word === 'if') {
        // {{else if ...}} chains: the nested if consumes the shared {{end}}.
        elseNodes = [this.parseControl('if', elseBody.slice(2), body.stopItem!.line)];
      } else {
        const e = this.parseList(['end']);
        elseNodes = e.nodes;
      }
    }
    if (word === 'range') {
      const node: TNode = { k: 'range', pipe, body: body.nodes, else: elseNodes };
      if (key) node.key = key;
      if (value) node.value = value;
      return node;
    }
    return { k: word, pipe, yes: body.nodes, no: elseNodes };
  }

  parsePipe(text: string, line: number): Pipe {
    const toks = tokenize(text, (m) => this.err(line, m));
    let i = 0;
    const pipe: Pipe = { cmds: [] };
    if (toks[0]?.t === 'var' && toks[0].path.length === 0 && (toks[1]?.t === 'declare' || toks[1]?.t === 'assign')) {
      pipe.decl = toks[0].name;
      pipe.assign = toks[1].t === 'assign';
      i = 2;
    }
    let parens = 0;
    const parseCmds = (inner: boolean): Cmd[] => {
      const cmds: Cmd[] = [];
      let cur: Arg[] = [];
      for (; i < toks.length; i++) {
        const t = toks[i]!;
        if (t.t === 'pipe') {
          if (cur.length === 0) this.err(line, 'missing command');
          cmds.push({ args: cur });
          cur = [];
          continue;
        }
        if (t.t === 'rparen') {
          if (!inner) this.err(line, 'unexpected right paren');
          break;
        }
        switch (t.t) {
          case 'field':
            cur.push({ k: 'field', path: t.path });
            break;
          case 'var':
            cur.push({ k: 'var', name: t.name, path: t.path });
            break;
          case 'string':
          case 'number':
          case 'bool':
            cur.push({ k: 'lit', value: t.value });
            break;
          case 'nil':
            cur.push({ k: 'lit', value: null });
            break;
          case 'ident':
            if (!BUILTINS.has(t.name) && !this.#funcs.has(t.name)) this.err(line, `function "${t.name}" not defined`);
            cur.push({ k: 'call', name: t.name });
            break;
          case 'lparen': {
            i++;
            if (++parens > 200) this.err(line, 'pipeline nested too deeply');
            const sub = parseCmds(true);
            parens--;
            if (toks[i]?.t !== 'rparen') this.err(line, 'unclosed left paren');
            cur.push({ k: 'sub', pipe: { cmds: sub } });
            break;
          }
          default:
            this.err(line, `unexpected ${t.t} in command`);
        }
      }
      if (cur.length === 0) this.err(line, inner ? 'missing value for parenthesized pipeline' : 'missing value for command');
      cmds.push({ args: cur });
      return cmds;
    };
    pipe.cmds = parseCmds(false);
    return pipe;
  }
}

// ---- execution ------------------------------------------------------------------------------------

function isTimeVal(v: unknown): v is TemplateTime {
  const o = v as Record<string, unknown>;
  return typeof v === 'object' && v !== null && o.type === 'timeval' && typeof o.ms === 'number' && typeof o.ns === 'number';
}

function isDurVal(v: unknown): v is TemplateDuration {
  const o = v as Record<string, unknown>;
  return typeof v === 'object' && v !== null && o.type === 'duration' && typeof o.ns === 'number' && !('ms' in o);
}

/** Go's fmt %v for template data values. */
export function goPrint(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatFloatV(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  const o = v as Record<string, unknown>;
  if (isTimeVal(o)) return formatGoTime(o);
  if (isDurVal(o)) return formatGoDuration(o.ns);
  const keys = Object.keys(o).sort();
  return `map[${keys.map((k) => `${k}:${goPrint(o[k])}`).join(' ')}]`;
}

/** %v of a float64: strconv.FormatFloat(f, 'g', -1, 64). */
function formatFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, e] = f.toExponential().split('e') as [string, string];
  const exp = Number(e);
  // strconv 'g' with the shortest precision decides with precision 6: 1e+06, 1.234567e+06, 1e-05.
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return formatGoFloat(f);
}

/** Go's time.Time String for UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function formatGoTime(t: TemplateTime): string {
  const iso = new Date(t.ms).toISOString();
  const frac = Number(iso.slice(20, 23)) * 1_000_000 + t.ns;
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const fracText = frac === 0 ? '' : `.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${fracText} +0000 UTC`;
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (isDurVal(v)) return v.ns !== 0;
  if (isTimeVal(v)) return true;
  return Object.keys(v as object).length > 0;
}

function basicKind(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (isDurVal(v)) return 'int';
  return 'other';
}

function cmpValue(v: unknown): number | bigint | string | boolean {
  if (isDurVal(v)) return BigInt(v.ns);
  return v as number | bigint | string | boolean;
}

function goEq(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'other' || kb === 'other') {
    if (a == null || b == null) return a == null && b == null;
    throw new Error('invalid type for comparison');
  }
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return cmpValue(a) === cmpValue(b);
}

function goLess(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  if (ka === 'other' || ka === 'bool') throw new Error('invalid type for comparison');
  if (ka !== basicKind(b)) throw new Error('incompatible types for comparison');
  return cmpValue(a)! < cmpValue(b)!;
}

/** A subset of Go's fmt.Sprintf sufficient for templates: %v %s %d %f %e %g %q %x %t %%, flags, width, precision. */
export function goSprintf(format: string, args: unknown[]): string {
  let ai = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([vsdfeEgGqxXtT%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    if (ai >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[ai++];
    let s: string;
    const p = prec === undefined ? undefined : Number(prec);
    // Go's float verbs reject integers (%!f(int64=3)) and %d rejects floats.
    const num = typeof arg === 'number' ? arg : undefined;
    switch (verb) {
      case 'v':
      case 's':
        s = goPrint(arg);
        if (verb === 's' && p !== undefined) s = s.slice(0, p);
        break;
      case 'd':
        s = typeof arg === 'bigint' ? arg.toString() : `%!d(${typeName(arg)}=${goPrint(arg)})`;
        break;
      case 'f':
        s = num === undefined ? `%!f(${typeName(arg)}=${goPrint(arg)})` : num.toFixed(p ?? 6);
        break;
      case 'e':
      case 'E': {
        if (num === undefined) s = `%!${verb}(${typeName(arg)}=${goPrint(arg)})`;
        else {
          const [m, e] = num.toExponential(p ?? 6).split('e') as [string, string];
          s = `${m}e${Number(e) < 0 ? '-' : '+'}${String(Math.abs(Number(e))).padStart(2, '0')}`;
          if (verb === 'E') s = s.toUpperCase();
        }
        break;
      }
      case 'g':
      case 'G':
        s = num === undefined ? `%!g(${typeName(arg)}=${goPrint(arg)})` : p === undefined ? formatFloatV(num) : String(Number(num.toPrecision(p)));
        break;
      case 'q':
        s = JSON.stringify(goPrint(arg));
        break;
      case 'x':
      case 'X':
        s =
          typeof arg === 'bigint'
            ? arg.toString(16)
            : Buffer.from(goPrint(arg), 'utf8').toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 't':
        s = typeof arg === 'boolean' ? String(arg) : `%!t(${typeName(arg)}=${goPrint(arg)})`;
        break;
      default:
        s = typeName(arg);
    }
    const signed = num ?? (typeof arg === 'bigint' ? Number(arg) : undefined);
    if (flags.includes('+') && signed !== undefined && signed >= 0 && verb !== 's' && verb !== 'v') s = `+${s}`;
    if (width !== undefined) {
      const w = Number(width);
      if (s.length < w) {
        if (flags.includes('-')) s = s.padEnd(w, ' ');
        else if (flags.includes('0') && signed !== undefined) {
          const neg = s.startsWith('-') || s.startsWith('+');
          s = neg ? s[0] + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0');
        } else s = s.padStart(w, ' ');
      }
    }
    return s;
  }) + (ai < args.length ? `%!(EXTRA ${args.slice(ai).map((a) => `${typeName(a)}=${goPrint(a)}`).join(', ')})` : '');
}

function typeName(v: unknown): string {
  const scalar = goScalarType(v);
  if (scalar !== undefined) return scalar;
  if (v === null || v === undefined) return '<nil>';
  if (isTimeVal(v)) return 'time.Time';
  if (isDurVal(v)) return 'time.Duration';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"'\0]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&#34;' : c === "'" ? '&#39;' : '\uFFFD',
  );
}

interface Env {
  dot: unknown;
  vars: Array<[string, unknown]>;
  funcs: Readonly<Record<string, TemplateFunc>>;
  name: string;
}

function lookupVar(env: Env, name: string, line: number): unknown {
  for (let i = env.vars.length - 1; i >= 0; i--) if (env.vars[i]![0] === name) return env.vars[i]![1];
  throw new TemplateError(`template: ${env.name}:${line}: undefined variable: ${name}`);
}

function field(env: Env, base: unknown, path: string[], line: number, what: string): unknown {
  let cur = base;
  for (const p of path) {
    if (cur === null || cur === undefined) {
      throw new TemplateError(`template: ${env.name}:${line}: executing "${env.name}" at <${what}>: nil pointer evaluating interface {}.${p}`);
    }
    if (typeof cur !== 'object' || Array.isArray(cur)) {
      throw new TemplateError(
        `template: ${env.name}:${line}: executing "${env.name}" at <${what}>: can't evaluate field ${p} in type ${typeName(cur)}`,
      );
    }
    const o = cur as Record<string, unknown>;
    if (!(p in o)) {
      if ((o as { __struct?: boolean }).__struct) {
        throw new TemplateError(`template: ${env.name}:${line}: executing "${env.name}" at <${what}>: can't evaluate field ${p} in type ${typeName(cur)}`);
      }
      cur = undefined;
      continue;
    }
    cur = o[p];
  }
  return cur;
}

function evalArg(env: Env, a: Arg, line: number, final: unknown[] | undefined): unknown {
  switch (a.k) {
    case 'lit':
      return a.value;
    case 'field':
      return field(env, env.dot, a.path, line, `.${a.path.join('.')}`);
    case 'var':
      return field(env, lookupVar(env, a.name, line), a.path, line, `${a.name}${a.path.map((p) => `.${p}`).join('')}`);
    case 'sub':
      return evalPipe(env, a.pipe, line);
    case 'call':
      return callFunc(env, a.name, [], line, final);
  }
}

function callFunc(env: Env, name: string, args: unknown[], line: number, final: unknown[] | undefined): unknown {
  const all = final ? [...args, ...final] : args;
  const fail = (m: string): never => {
    throw new TemplateError(`template: ${env.name}:${line}: executing "${env.name}" at <${name}>: error calling ${name}: ${m}`);
  };
  try {
    switch (name) {
      case 'and': {
        let v: unknown = all[0];
        for (const x of all) {
          v = x;
          if (!truthy(x)) return x;
        }
        return v;
      }
      case 'or': {
        let v: unknown = all[0];
        for (const x of all) {
          v = x;
          if (truthy(x)) return x;
        }
        return v;
      }
      case 'not':
        return !truthy(all[0]);
      case 'len': {
        const v = all[0];
        if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
        if (Array.isArray(v)) return BigInt(v.length);
        if (v && typeof v === 'object') return BigInt(Object.keys(v).length);
        return fail(`len of type ${typeName(v)}`);
      }
      case 'index': {
        let v: unknown = all[0];
        for (const k of all.slice(1)) {
          if (v === null || v === undefined) return fail('index of untyped nil');
          if (Array.isArray(v)) {
            const i = Number(k);
            if (!(i >= 0 && i < v.length)) return fail(`index out of range: ${goPrint(k)}`);
            v = v[i];
          } else if (typeof v === 'object') {
            const o = v as Record<string, unknown>;
            v = Object.hasOwn(o, String(k)) ? o[String(k)] : zeroOfMap(o);
          } else return fail(`can't index item of type ${typeName(v)}`);
        }
        return v;
      }
      case 'print':
        return all.map((a, i) => (i > 0 && typeof a !== 'string' && typeof all[i - 1] !== 'string' ? ' ' : '') + goPrint(a)).join('');
      case 'println':
        return `${all.map(goPrint).join(' ')}\n`;
      case 'printf':
        return goSprintf(String(all[0] ?? ''), all.slice(1));
      case 'eq':
        if (all.length < 2) return fail('missing argument for comparison');
        return all.slice(1).some((b) => goEq(all[0], b));
      case 'ne':
        return !goEq(all[0], all[1]);
      case 'lt':
        return goLess(all[0], all[1]);
      case 'le':
        return goLess(all[0], all[1]) || goEq(all[0], all[1]);
      case 'gt':
        return !goLess(all[0], all[1]) && !goEq(all[0], all[1]);
      case 'ge':
        return !goLess(all[0], all[1]);
      case 'html':
        return htmlEscape(all.map(goPrint).join(''));
      case 'js':
        return all
          .map(goPrint)
          .join('')
          .replace(/[\\'"<>&=]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : `\\u00${c.charCodeAt(0).toString(16).toUpperCase()}`));
      case 'urlquery':
        return encodeURIComponent(all.map(goPrint).join('')).replace(/%20/g, '+');
      case 'slice': {
        const [v, a, b] = all;
        if (typeof v === 'string') return v.slice(Number(a ?? 0), b === undefined ? undefined : Number(b));
        if (Array.isArray(v)) return v.slice(Number(a ?? 0), b === undefined ? undefined : Number(b));
        return fail(`can't slice item of type ${typeName(v)}`);
      }
      case 'call':
        if (typeof all[0] !== 'function') return fail('non-function of type ' + typeName(all[0]));
        return (all[0] as TemplateFunc)(...all.slice(1));
    }
    const f = env.funcs[name];
    if (!f) return fail('function not defined');
    return f(...all);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    return fail((err as Error).message);
  }
}

function zeroOfMap(o: Record<string, unknown>): unknown {
  // A missing key yields the map's zero value: "" for Tags (map[string]string), nil for Fields.
  const first = Object.values(o)[0];
  return typeof first === 'string' ? '' : undefined === first ? undefined : null;
}

function evalPipe(env: Env, pipe: Pipe, line: number): unknown {
  let prev: unknown[] | undefined;
  let value: unknown;
  for (const cmd of pipe.cmds) {
    const [head, ...rest] = cmd.args;
    if (head!.k === 'call') {
      const args = rest.map((a) => evalArg(env, a, line, undefined));
      value = callFunc(env, head!.name, args, line, prev);
    } else {
      if (rest.length > 0 || prev) {
        throw new TemplateError(`template: ${env.name}:${line}: executing "${env.name}": can't give argument to non-function`);
      }
      value = evalArg(env, head!, line, undefined);
    }
    prev = [value];
  }
  if (pipe.decl) {
    if (pipe.assign) {
      const slot = env.vars.findLastIndex((v) => v[0] === pipe.decl);
      if (slot === -1) throw new TemplateError(`template: ${env.name}:${line}: undefined variable: ${pipe.decl}`);
      env.vars[slot]![1] = value;
    } else env.vars.push([pipe.decl, value]);
  }
  return value;
}

function exec(env: Env, nodes: TNode[], out: string[], html: boolean): void {
  for (const n of nodes) {
    switch (n.k) {
      case 'text':
        out.push(n.text);
        break;
      case 'print': {
        const v = evalPipe(env, n.pipe, n.line);
        if (n.pipe.decl) break;
        const s = goPrint(v);
        out.push(html ? htmlEscape(v === undefined ? '' : s) : s);
        break;
      }
      case 'if':
      case 'with': {
        const mark = env.vars.length;
        const v = evalPipe(env, n.pipe, 0);
        if (truthy(v)) {
          if (n.k === 'with') {
            const saved = env.dot;
            env.dot = v;
            exec(env, n.yes, out, html);
            env.dot = saved;
          } else exec(env, n.yes, out, html);
        } else exec(env, n.no, out, html);
        env.vars.length = mark;
        break;
      }
      case 'range': {
        const mark = env.vars.length;
        const v = evalPipe(env, n.pipe, 0);
        const entries: Array<[unknown, unknown]> = Array.isArray(v)
          ? v.map((x, i) => [BigInt(i), x])
          : v && typeof v === 'object' && !isTimeVal(v) && !isDurVal(v)
            ? Object.keys(v)
                .sort()
                .map((k) => [k, (v as Record<string, unknown>)[k]])
            : [];
        if (entries.length === 0) exec(env, n.else, out, html);
        const saved = env.dot;
        for (const [k, x] of entries) {
          env.dot = x;
          if (n.key) env.vars.push([n.key, k]);
          if (n.value) env.vars.push([n.value, x]);
          exec(env, n.body, out, html);
          env.vars.length = mark;
        }
        env.dot = saved;
        break;
      }
    }
  }
}

/** Parses a template once. Throws TemplateError with Go's `template: <name>:<line>: ...` text. */
export function compileTemplate(name: string, source: string, options: TemplateOptions = {}): CompiledTemplate {
  const funcs = options.funcs ?? {};
  const parser = new TParser(name, split(name, source), new Set(Object.keys(funcs)));
  const { nodes } = parser.parseList([]);
  const html = options.html ?? false;
  return {
    name,
    source,
    render(data: unknown): string {
      const out: string[] = [];
      exec({ dot: data, vars: [['$', data]], funcs, name }, nodes, out, html);
      return out.join('');
    },
  };
}
