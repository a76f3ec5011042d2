// Recursive-descent InfluxQL parser for the statements this server executes.

import { parseDuration } from '../../core/time.ts';
import type {
  BinaryOp,
  Expr,
  FillOption,
  GroupByTime,
  RetentionClause,
  SelectField,
  SelectStatement,
  ShowStatement,
  Source,
  Statement,
} from './ast.ts';
import { parseError, parseErrorText } from './errors.ts';
import { Lexer, lineChar, type Token } from './lexer.ts';

/** Values for `$name` placeholders (the `params` form field of /query). */
export type BoundParams = Record<string, unknown>;

const PRECEDENCE: Record<string, number> = {
  OR: 1,
  AND: 2,
  '=': 4,
  '!=': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '=~': 4,
  '!~': 4,
  '+': 5,
  '-': 5,
  '|': 5,
  '^': 5,
  '*': 6,
  '/': 6,
  '%': 6,
  '&': 6,
};

/** Parses one or more `;`-separated statements. */
export function parseQuery(text: string, params: BoundParams = {}): Statement[] {
  return new Parser(text, params).statements();
}

/** Parses a lone expression (tests, tools). */
export function parseExpr(text: string): Expr {
  const p = new Parser(text, {});
  const e = p.expr();
  p.expectEnd();
  return e;
}

class Parser {
  readonly #lexer: Lexer;
  readonly #params: BoundParams;
  #tok: Token;

  constructor(text: string, params: BoundParams) {
    this.#lexer = new Lexer(text);
    this.#params = params;
    this.#tok = this.#lexer.next();
  }

  #advance(): Token {
    const t = this.#tok;
    this.#tok = this.#lexer.next();
    return t;
  }

  #fail(expected: string, tok: Token = this.#tok): never {
    const { line, char } = lineChar(this.#lexer.text, tok.pos);
    if (tok.type === 'illegal') throw parseErrorText(`${tok.text} at line ${line}, char ${char}`);
    throw parseError(tok.type === 'eof' ? 'EOF' : tok.raw, expected, line, char);
  }

  #isKeyword(word: string): boolean {
    return this.#tok.type === 'keyword' && this.#tok.text === word;
  }

  #isOp(op: string): boolean {
    return this.#tok.type === 'op' && this.#tok.text === op;
  }

  #acceptKeyword(word: string): boolean {
    if (!this.#isKeyword(word)) return false;
    this.#advance();
    return true;
  }

  #expectKeyword(...words: string[]): void {
    for (const w of words) {
      if (!this.#isKeyword(w)) this.#fail(w);
      this.#advance();
    }
  }

  #expectOp(op: string): void {
    if (!this.#isOp(op)) this.#fail(op);
    this.#advance();
  }

  #atEnd(): boolean {
    return this.#tok.type === 'eof';
  }

  expectEnd(): void {
    if (this.#tok.type !== 'eof') this.#fail('EOF');
  }

  statements(): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      while (this.#isOp(';')) this.#advance();
      if (this.#tok.type === 'eof') break;
      out.push(this.#statement());
      if (!this.#atEnd() && !this.#isOp(';')) this.#fail(';');
    }
    if (out.length === 0) this.#fail('SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL');
    return out;
  }

  #statement(): Statement {
    if (this.#acceptKeyword('SELECT')) return this.#select();
    if (this.#acceptKeyword('SHOW')) return this.#show();
    if (this.#acceptKeyword('CREATE')) return this.#create();
    if (this.#acceptKeyword('DROP')) return this.#drop();
    if (this.#acceptKeyword('ALTER')) {
      this.#expectKeyword('RETENTION', 'POLICY');
      const name = this.#ident();
      this.#expectKeyword('ON');
      const database = this.#ident();
      const rp = this.#retentionClauses(false);
      if (Object.keys(rp).length === 0) this.#fail('DURATION, REPLICATION, SHARD, DEFAULT');
      return { kind: 'alter_retention_policy', database, name, rp };
    }
    return this.#fail('SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL');
  }

  #ident(): string {
    const t = this.#tok;
    if (t.type === 'ident') {
      this.#advance();
      return t.text;
    }
    if (t.type === 'param') {
      this.#advance();
      const v = this.#params[t.text];
      if (typeof v !== 'string') throw parseErrorText(`missing parameter: ${t.text}`);
      return v;
    }
    return this.#fail('identifier');
  }

  /** An identifier where keywords are also fine (e.g. `"name"` columns or `SHOW TAG VALUES WITH KEY = host`). */
  #identOrKeyword(): string {
    if (this.#tok.type === 'keyword') return this.#advance().raw;
    return this.#ident();
  }

  #select(): SelectStatement {
    const fields: SelectField[] = [];
    do {
      const expr = this.expr();
      let alias: string | undefined;
      if (this.#acceptKeyword('AS')) alias = this.#identOrKeyword();
      fields.push({ expr, alias });
    } while (this.#isOp(',') && this.#advance());
    if (this.#isKeyword('INTO')) this.#fail('FROM');
    this.#expectKeyword('FROM');
    const stmt: SelectStatement = {
      kind: 'select',
      fields,
      sources: this.#sources(),
      groupByTags: [],
      groupByAll: false,
      fill: { mode: 'null' },
      descending: false,
      limit: 0,
      offset: 0,
      slimit: 0,
      soffset: 0,
    };
    if (this.#acceptKeyword('WHERE')) stmt.condition = this.expr();
    if (this.#acceptKeyword('GROUP')) {
      this.#expectKeyword('BY');
      this.#groupBy(stmt);
    }
    if (this.#acceptKeyword('FILL')) stmt.fill = this.#fill();
    if (this.#acceptKeyword('ORDER')) {
      this.#expectKeyword('BY');
      const t = this.#tok;
      if (this.#identOrKeyword().toLowerCase() !== 'time') this.#fail('time', t);
      if (this.#acceptKeyword('DESC')) stmt.descending = true;
      else this.#acceptKeyword('ASC');
    }
    stmt.limit = this.#intClause('LIMIT');
    stmt.offset = this.#intClause('OFFSET');
    stmt.slimit = this.#intClause('SLIMIT');
    stmt.soffset = this.#intClause('SOFFSET');
    if (this.#acceptKeyword('TZ')) this.#fail('a query without TZ() (only UTC is supported)');
    return stmt;
  }

  #intClause(word: string): number {
    if (!this.#acceptKeyword(word)) return 0;
    const t = this.#tok;
    if (t.type !== 'integer') this.#fail('integer');
    this.#advance();
    return Number(t.text);
  }

  #groupBy(stmt: SelectStatement): void {
    do {
      if (this.#isOp('*')) {
        this.#advance();
        stmt.groupByAll = true;
        continue;
      }
      if (this.#tok.type === 'ident' && this.#tok.text.toLowerCase() === 'time' && this.#tok.raw[0] !== '"') {
        this.#advance();
        this.#expectOp('(');
        const interval = this.#durationLit();
        let offset = 0;
        if (this.#isOp(',')) {
          this.#advance();
          let neg = false;
          if (this.#isOp('-')) {
            this.#advance();
            neg = true;
          }
          if (this.#tok.type === 'ident' && this.#tok.text.toLowerCase() === 'now') {
            throw parseErrorText('time dimension offset now() is not supported');
          }
          offset = this.#durationLit() * (neg ? -1 : 1);
        }
        this.#expectOp(')');
        if (interval <= 0) throw parseErrorText('time dimension must have positive interval');
        stmt.groupByTime = { interval, offset: ((offset % interval) + interval) % interval } satisfies GroupByTime;
        continue;
      }
      if (this.#tok.type === 'op' && this.#tok.text === '/') throw parseErrorText('GROUP BY regular expressions are not supported');
      stmt.groupByTags.push(this.#identOrKeyword());
    } while (this.#isOp(',') && this.#advance());
  }

  #durationLit(): number {
    const t = this.#tok;
    if (t.type !== 'duration') this.#fail('duration');
    this.#advance();
    const d = parseDuration(t.text);
    if (d === undefined) throw parseErrorText(`invalid duration ${t.text}`);
    return d;
  }

  #fill(): FillOption {
    this.#expectOp('(');
    let fill: FillOption;
    const t = this.#tok;
    if (t.type === 'ident' || t.type === 'keyword') {
      const word = t.text.toLowerCase();
      this.#advance();
      if (word === 'null') fill = { mode: 'null' };
      else if (word === 'none') fill = { mode: 'none' };
      else if (word === 'previous') fill = { mode: 'previous' };
      else if (word === 'linear') fill = { mode: 'linear' };
      else this.#fail('null, none, previous, linear or a number', t);
    } else {
      let neg = false;
      if (this.#isOp('-')) {
        neg = true;
        this.#advance();
      }
      const n = this.#tok;
      if (n.type === 'integer') fill = { mode: 'value', value: neg ? -BigInt(n.text) : BigInt(n.text) };
      else if (n.type === 'number') fill = { mode: 'value', value: neg ? -Number(n.text) : Number(n.text) };
      else this.#fail('null, none, previous, linear or a number');
      this.#advance();
    }
    this.#expectOp(')');
    return fill;
  }

  #sources(): Source[] {
    const out: Source[] = [];
    do {
      if (this.#isOp('(')) throw parseErrorText('subqueries are not supported');
      out.push(this.#source());
    } while (this.#isOp(',') && this.#advance());
    return out;
  }

  #regexNow(): RegExp | undefined {
    if (!this.#isOp('/')) return undefined;
    const t = this.#lexer.regexAt(this.#tok.pos);
    if (t.type !== 'regex') this.#fail('regex', t);
    this.#tok = this.#lexer.next();
    return compileRegex(t.text);
  }

  #source(): Source {
    const re = this.#regexNow();
    if (re !== undefined) return { name: re };
    // Up to three dotted parts: db.rp.measurement, db..measurement, rp.measurement, measurement.
    const parts: string[] = [this.#sourcePart()];
    while (this.#isOp('.') && parts.length < 3) {
      this.#advance();
      if (this.#isOp('.')) {
        parts.push('');
        continue;
      }
      const last = this.#regexNow();
      if (last !== undefined) {
        return parts.length === 2 ? { database: parts[0], retentionPolicy: parts[1], name: last } : { retentionPolicy: parts[0], name: last };
      }
      parts.push(this.#sourcePart());
    }
    if (parts.length === 3) return { database: parts[0], retentionPolicy: parts[1], name: parts[2] };
    if (parts.length === 2) return { retentionPolicy: parts[0], name: parts[1] };
    return { name: parts[0] };
  }

  #sourcePart(): string {
    if (this.#tok.type === 'keyword') return this.#advance().raw;
    return this.#ident();
  }

  #onDatabase(stmt: { database?: string; retentionPolicy?: string }): void {
    if (!this.#acceptKeyword('ON')) return;
    stmt.database = this.#identOrKeyword();
    if (this.#isOp('.')) {
      this.#advance();
      stmt.retentionPolicy = this.#identOrKeyword();
    }
  }

  #show(): ShowStatement {
    const base = (kind: ShowStatement['kind']): ShowStatement => ({ kind, sources: [], limit: 0, offset: 0 });
    let stmt: ShowStatement;
    if (this.#acceptKeyword('DATABASES')) return base('show_databases');
    if (this.#acceptKeyword('RETENTION')) {
      this.#expectKeyword('POLICIES');
      stmt = base('show_retention_policies');
      this.#onDatabase(stmt);
      return stmt;
    }
    if (this.#acceptKeyword('MEASUREMENTS')) {
      stmt = base('show_measurements');
      this.#onDatabase(stmt);
      if (this.#acceptKeyword('WITH')) {
        this.#expectKeyword('MEASUREMENT');
        if (this.#isOp('=')) {
          this.#advance();
          const re = this.#regexNow();
          stmt.measurement = re ?? this.#identOrKeyword();
        } else if (this.#isOp('=~')) {
          this.#advance();
          stmt.measurement = this.#regexNow() ?? this.#fail('regex');
        } else this.#fail('=~ or =');
      }
      this.#whereLimit(stmt);
      return stmt;
    }
    if (this.#acceptKeyword('SERIES')) {
      stmt = base('show_series');
      this.#onDatabase(stmt);
      this.#fromWhereLimit(stmt);
      return stmt;
    }
    if (this.#acceptKeyword('FIELD')) {
      this.#expectKeyword('KEYS');
      stmt = base('show_field_keys');
      this.#onDatabase(stmt);
      this.#fromWhereLimit(stmt);
      return stmt;
    }
    if (this.#acceptKeyword('TAG')) {
      if (this.#acceptKeyword('KEYS')) {
        stmt = base('show_tag_keys');
        this.#onDatabase(stmt);
        this.#fromWhereLimit(stmt);
        return stmt;
      }
      this.#expectKeyword('VALUES');
      stmt = base('show_tag_values');
      this.#onDatabase(stmt);
      if (this.#acceptKeyword('FROM')) stmt.sources = this.#sources();
      this.#expectKeyword('WITH', 'KEY');
      stmt.key = this.#keyClause();
      this.#whereLimit(stmt);
      return stmt;
    }
    return this.#fail('DATABASES, MEASUREMENTS, RETENTION, SERIES, FIELD, TAG');
  }

  #keyClause(): NonNullable<ShowStatement['key']> {
    const t = this.#tok;
    if (t.type === 'op' && (t.text === '=' || t.text === '!=')) {
      this.#advance();
      return { op: t.text, values: [this.#identOrKeyword()] };
    }
    if (t.type === 'op' && (t.text === '=~' || t.text === '!~')) {
      this.#advance();
      return { op: t.text, values: [this.#regexNow() ?? this.#fail('regex')] };
    }
    if (this.#acceptKeyword('IN')) {
      this.#expectOp('(');
      const values: string[] = [this.#identOrKeyword()];
      while (this.#isOp(',')) {
        this.#advance();
        values.push(this.#identOrKeyword());
      }
      this.#expectOp(')');
      return { op: 'IN', values };
    }
    return this.#fail('=, !=, =~, !~ or IN');
  }

  #fromWhereLimit(stmt: ShowStatement): void {
    if (this.#acceptKeyword('FROM')) stmt.sources = this.#sources();
    this.#whereLimit(stmt);
  }

  #whereLimit(stmt: ShowStatement): void {
    if (this.#acceptKeyword('WHERE')) stmt.condition = this.expr();
    stmt.limit = this.#intClause('LIMIT');
    stmt.offset = this.#intClause('OFFSET');
  }

  #create(): Statement {
    if (this.#acceptKeyword('DATABASE')) {
      const name = this.#ident();
      if (!this.#acceptKeyword('WITH')) return { kind: 'create_database', name };
      const rp = this.#retentionClauses(true);
      return { kind: 'create_database', name, rp };
    }
    this.#expectKeyword('RETENTION', 'POLICY');
    const name = this.#ident();
    this.#expectKeyword('ON');
    const database = this.#ident();
    const rp = this.#retentionClauses(false);
    if (rp.duration === undefined) this.#fail('DURATION');
    if (rp.replication === undefined) this.#fail('REPLICATION');
    return { kind: 'create_retention_policy', database, rp: { ...rp, name, duration: rp.duration } };
  }

  #retentionClauses(withName: boolean): RetentionClause {
    const rp: RetentionClause = {};
    for (;;) {
      if (this.#acceptKeyword('DURATION')) rp.duration = this.#infDuration();
      else if (this.#acceptKeyword('REPLICATION')) {
        const t = this.#tok;
        if (t.type !== 'integer' || Number(t.text) < 1) this.#fail('integer', t);
        this.#advance();
        rp.replication = Number(t.text);
      } else if (this.#acceptKeyword('SHARD')) {
        this.#expectKeyword('DURATION');
        rp.shardDuration = this.#infDuration();
      } else if (withName && this.#acceptKeyword('NAME')) rp.name = this.#ident();
      else if (!withName && this.#acceptKeyword('DEFAULT')) rp.default = true;
      else return rp;
    }
  }

  #infDuration(): number {
    if (this.#tok.type === 'ident' && this.#tok.text.toUpperCase() === 'INF') {
      this.#advance();
      return 0;
    }
    return this.#durationLit();
  }

  #drop(): Statement {
    if (this.#acceptKeyword('DATABASE')) return { kind: 'drop_database', name: this.#ident() };
    this.#expectKeyword('RETENTION', 'POLICY');
    const name = this.#ident();
    this.#expectKeyword('ON');
    return { kind: 'drop_retention_policy', database: this.#ident(), name };
  }

  // ---- expressions ---------------------------------------------------------------------------

  expr(minPrec = 1): Expr {
    let left = this.#unary();
    for (;;) {
      const t = this.#tok;
      const op = t.type === 'keyword' && (t.text === 'AND' || t.text === 'OR') ? t.text : t.type === 'op' ? t.text : undefined;
      const prec = op === undefined ? undefined : PRECEDENCE[op];
      if (op === undefined || prec === undefined || prec < minPrec) return left;
      this.#advance();
      let right: Expr;
      if (op === '=~' || op === '!~') {
        const re = this.#regexNow();
        right = re !== undefined ? { kind: 'regex', value: re } : this.expr(prec + 1);
      } else if ((op === '=' || op === '!=') && this.#isOp('/')) {
        right = { kind: 'regex', value: this.#regexNow() as RegExp };
      } else {
        right = this.expr(prec + 1);
      }
      left = { kind: 'binary', op: op as BinaryOp, left, right };
    }
  }

  #unary(): Expr {
    const t = this.#tok;
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      this.#advance();
      const inner = this.#unary();
      if (t.text === '+') return inner;
      if (inner.kind === 'number') return { kind: 'number', value: -inner.value };
      if (inner.kind === 'integer') return { kind: 'integer', value: -inner.value };
      if (inner.kind === 'duration') return { kind: 'duration', value: -inner.value, text: `-${inner.text}` };
      return { kind: 'binary', op: '*', left: { kind: 'integer', value: -1n }, right: inner };
    }
    return this.#primary();
  }

  #primary(): Expr {
    const t = this.#tok;
    switch (t.type) {
      case 'integer':
        this.#advance();
        return { kind: 'integer', value: BigInt(t.text) };
      case 'number':
        this.#advance();
        return { kind: 'number', value: Number(t.text) };
      case 'duration': {
        this.#advance();
        const d = parseDuration(t.text);
        if (d === undefined) throw parseErrorText(`invalid duration ${t.text}`);
        return { kind: 'duration', value: d, text: t.text };
      }
      case 'string':
        this.#advance();
        return { kind: 'string', value: t.text };
      case 'param': {
        this.#advance();
        return paramExpr(t.text, this.#params[t.text]);
      }
      case 'keyword':
        if (t.text === 'TRUE' || t.text === 'FALSE') {
          this.#advance();
          return { kind: 'bool', value: t.text === 'TRUE' };
        }
        break;
      case 'op':
        if (t.text === '(') {
          this.#advance();
          const inner = this.expr();
          this.#expectOp(')');
          return { kind: 'paren', expr: inner };
        }
        if (t.text === '*') {
          this.#advance();
          const type = this.#typeHint();
          return type === undefined ? { kind: 'wildcard' } : { kind: 'wildcard', type };
        }
        if (t.text === '/') return { kind: 'regex', value: this.#regexNow() as RegExp };
        break;
      case 'ident': {
        this.#advance();
        if (this.#isOp('(') && t.raw[0] !== '"') {
          this.#advance();
          const args: Expr[] = [];
          if (!this.#isOp(')')) {
            do args.push(this.expr());
            while (this.#isOp(',') && this.#advance());
          }
          this.#expectOp(')');
          return { kind: 'call', name: t.text.toLowerCase(), args };
        }
        const type = this.#typeHint();
        return type === undefined ? { kind: 'ref', name: t.text } : { kind: 'ref', name: t.text, type };
      }
    }
    return this.#fail('identifier, string, number, bool');
  }

  #typeHint(): 'field' | 'tag' | undefined {
    if (!this.#isOp('::')) return undefined;
    this.#advance();
    const t = this.#tok;
    const word = (t.type === 'keyword' || t.type === 'ident' ? t.text : '').toLowerCase();
    this.#advance();
    if (word === 'field' || word === 'tag') return word;
    if (word === 'float' || word === 'integer' || word === 'string' || word === 'boolean') return 'field';
    return this.#fail('field, tag, float, integer, string, boolean', t);
  }
}

function paramExpr(name: string, v: unknown): Expr {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'integer', value: BigInt(v) } : { kind: 'number', value: v };
  throw parseErrorText(`missing parameter: ${name}`);
}

/** Go's RE2 syntax is close to JavaScript's for the patterns queries use; `(?i)` becomes the i flag. */
export function compileRegex(body: string): RegExp {
  let flags = '';
  let source = body;
  const m = /^\(\?([imsU]+)\)/.exec(source);
  if (m !== null) {
    source = source.slice(m[0].length);
    if (m[1].includes('i')) flags += 'i';
    if (m[1].includes('m')) flags += 'm';
    if (m[1].includes('s')) flags += 's';
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw parseErrorText(`invalid regular expression /${body}/: ${(err as Error).message}`);
  }
}
