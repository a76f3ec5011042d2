// Recursive-descent parser for the SPL subset: a search body, then `| command ...` stages.
// Every syntax error names the command it is in and the 1-based column where it was found.

import { sedReplacement } from '../../core/text-patterns.ts';
import type { AggFn, Aggregation, Command, CompareOp, Expr, Query, SearchNode, SortKey, TimeModifier } from './ast.ts';
import { splSyntax, splUnknownCommand } from './errors.ts';
import { FUNCTIONS } from './expr.ts';
import { LexError, Lexer, type LexMode, type Token } from './lexer.ts';
import { resolveTime } from './time-modifiers.ts';

const COMPARE_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const EXPR_COMPARE_OPS = new Set(['=', '==', '!=', '<', '<=', '>', '>=']);
const ADD_OPS = new Set(['+', '-', '.']);
const MUL_OPS = new Set(['*', '/', '%']);

const AGG_NAMES: Record<string, AggFn> = {
  count: 'count',
  c: 'count',
  dc: 'dc',
  distinct_count: 'dc',
  sum: 'sum',
  avg: 'avg',
  mean: 'avg',
  min: 'min',
  max: 'max',
  values: 'values',
  list: 'list',
  earliest: 'earliest',
  latest: 'latest',
};

const TIME_KEYS: Record<string, 'earliest' | 'latest'> = {
  earliest: 'earliest',
  latest: 'latest',
  start: 'earliest',
  end: 'latest',
};

/** Source selectors with more than one spelling: Pandora's `repo` is our `index`. */
const FIELD_ALIASES: Record<string, string> = { repo: 'index' };

const SPAN = /^(\d+)(s|sec|m|min|h|hr|d|day|w|week)$/;
const SPAN_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
};

const DEFAULT_SORT_LIMIT = 10_000;

class Parser {
  readonly lexer: Lexer;
  /** The command being parsed, for error messages. */
  command = 'search';
  readonly time: TimeModifier[] = [];

  constructor(readonly text: string) {
    this.lexer = new Lexer(text);
  }

  fail(message: string, offset: number): never {
    throw splSyntax(this.command, message, offset + 1);
  }

  next(mode: LexMode): Token {
    try {
      return this.lexer.next(mode);
    } catch (err) {
      if (err instanceof LexError) this.fail(err.message, err.offset);
      throw err;
    }
  }

  peek(mode: LexMode): Token {
    try {
      return this.lexer.peek(mode);
    } catch (err) {
      if (err instanceof LexError) this.fail(err.message, err.offset);
      throw err;
    }
  }

  /** Whether the command ends here (a pipe or the end of the query). */
  atEnd(mode: LexMode = 'word'): boolean {
    const t = this.peek(mode);
    return t.kind === 'eof' || this.isOp(t, '|');
  }

  expectOp(op: string, mode: LexMode = 'word'): Token {
    const t = this.next(mode);
    if (t.kind !== 'op' || t.text !== op) this.fail(`expected '${op}' but found ${describe(t)}`, t.offset);
    return t;
  }

  isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text.toLowerCase());
  }

  isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  /** Consumes the operator `op` if it comes next. */
  skipOp(op: string, mode: LexMode = 'word'): boolean {
    if (!this.isOp(this.peek(mode), op)) return false;
    this.next(mode);
    return true;
  }

  /** Items separated by ',' up to a closing ')' (the '(' is already read; at least one item). */
  untilClose<T>(mode: LexMode, item: () => T): T[] {
    const items: T[] = [];
    for (;;) {
      items.push(item());
      const sep = this.next(mode);
      if (this.isOp(sep, ')')) return items;
      if (!this.isOp(sep, ',')) this.fail(`expected ',' or ')' but found ${describe(sep)}`, sep.offset);
    }
  }

  /** A leading whole number (the count of sort, dedup and top), consumed when present. */
  leadingCount(): Token | undefined {
    const t = this.peek('word');
    if (t.kind !== 'word' || !/^\d+$/.test(t.text)) return undefined;
    this.next('word');
    return t;
  }

  /** A `name=value` option (timechart's, top's) with a name among `names`, consumed when present. */
  option(...names: string[]): { name: string; value: Token } | undefined {
    const t = this.peek('word');
    if (!this.isWord(t, ...names)) return undefined;
    this.lexer.seek(t.offset + t.text.length);
    if (!this.isOp(this.peek('word'), '=')) {
      this.lexer.seek(t.offset);
      return undefined;
    }
    this.next('word');
    return { name: t.text.toLowerCase(), value: this.next('word') };
  }

  /** A field name: a word or a 'single-quoted' name. */
  field(mode: LexMode = 'word', what = 'a field name'): string {
    const t = this.next(mode);
    if ((t.kind === 'word' && !(mode === 'word' && /^[+-]/.test(t.text))) || t.kind === 'quoted') return t.text;
    this.fail(`expected ${what} but found ${describe(t)}`, t.offset);
  }

  integer(t: Token, what: string, min = 0): number {
    if (t.kind !== 'word' || !/^\d+$/.test(t.text)) this.fail(`${what} must be an integer, found ${describe(t)}`, t.offset);
    const n = Number(t.text);
    if (n < min) this.fail(`${what} must be at least ${min}`, t.offset);
    return n;
  }

  // ---- the query ----------------------------------------------------------------------------

  query(): Query {
    let search: SearchNode = { k: 'all' };
    const first = this.peek('word');
    if (!this.isOp(first, '|')) {
      if (this.isWord(first, 'search')) this.next('word');
      search = this.searchBody();
    }
    const commands: Command[] = [];
    for (;;) {
      const t = this.next('word');
      if (t.kind === 'eof') break;
      if (t.kind !== 'op' || t.text !== '|') this.fail(`unexpected ${describe(t)}`, t.offset);
      commands.push(this.commandAfterPipe());
    }
    for (const modifier of this.time) {
      const resolved = resolveTime(modifier.value, 0, 'UTC');
      if (typeof resolved === 'string') throw splSyntax('search', resolved, modifier.column);
    }
    return { text: this.text, search, time: this.time, commands };
  }

  commandAfterPipe(): Command {
    const t = this.next('word');
    if (t.kind !== 'word') {
      this.command = 'search';
      this.fail(`expected a command after '|' but found ${describe(t)}`, t.offset);
    }
    const name = t.text.toLowerCase();
    const column = t.offset + 1;
    this.command = name;
    switch (name) {
      case 'search': {
        const body = this.searchBody();
        return { name: 'search', body, column };
      }
      case 'where': {
        if (this.atEnd('expr')) this.fail('missing an expression', this.lexer.position);
        const expr = this.expr();
        this.endOfCommand('expr');
        return { name: 'where', expr, column };
      }
      case 'eval':
        return { name: 'eval', assigns: this.assignments(), column };
      case 'stats':
        return this.stats(column);
      case 'timechart':
        return this.timechart(column);
      case 'sort':
        return this.sort(column);
      case 'head':
      case 'tail': {
        let count = 10;
        if (!this.atEnd()) count = this.integer(this.next('word'), 'the count');
        this.endOfCommand();
        return { name, count, column };
      }
      case 'table': {
        const patterns = this.someFields();
        return { name: 'table', patterns, column };
      }
      case 'fields': {
        let remove = false;
        const sign = this.peek('word');
        if (sign.kind === 'word' && (sign.text === '+' || sign.text === '-')) {
          this.next('word');
          remove = sign.text === '-';
        }
        const patterns = this.someFields();
        return { name: 'fields', remove, patterns, column };
      }
      case 'rename':
        return this.rename(column);
      case 'dedup':
        return this.dedup(column);
      case 'top':
        return this.top(column);
      case 'rex':
        return this.rex(column);
      default:
        throw splUnknownCommand(t.text, column);
    }
  }

  endOfCommand(mode: LexMode = 'word'): void {
    if (!this.atEnd(mode)) {
      const t = this.peek(mode);
      this.fail(`unexpected ${describe(t)}`, t.offset);
    }
  }

  // ---- search bodies ------------------------------------------------------------------------

  searchBody(): SearchNode {
    if (this.atEnd()) return { k: 'all' };
    const node = this.searchOr();
    this.endOfCommand();
    return node;
  }

  searchOr(): SearchNode {
    const items = [this.searchAnd()];
    for (;;) {
      const t = this.peek('word');
      if (!(t.kind === 'word' && t.text === 'OR')) break;
      this.next('word');
      items.push(this.searchAnd());
    }
    return items.length === 1 ? items[0] : { k: 'or', items };
  }

  searchAnd(): SearchNode {
    const items: SearchNode[] = [];
    for (;;) {
      const t = this.peek('word');
      if (this.atEnd() || this.isOp(t, ')')) break;
      if (t.kind === 'word' && t.text === 'OR') break;
      if (t.kind === 'word' && t.text === 'AND') {
        this.next('word');
        continue;
      }
      const item = this.searchNot();
      if (item.k !== 'all' || items.length === 0) items.push(item);
    }
    if (items.length === 0) {
      const t = this.peek('word');
      this.fail(`expected a search term but found ${describe(t)}`, t.offset);
    }
    const kept = items.length > 1 ? items.filter((i) => i.k !== 'all') : items;
    if (kept.length === 0) return { k: 'all' };
    return kept.length === 1 ? kept[0] : { k: 'and', items: kept };
  }

  searchNot(): SearchNode {
    const t = this.peek('word');
    if (t.kind === 'word' && t.text === 'NOT') {
      this.next('word');
      const item = this.searchNot();
      return { k: 'not', item };
    }
    return this.searchAtom();
  }

  searchAtom(): SearchNode {
    const t = this.next('word');
    if (this.isOp(t, '(')) {
      const inner = this.searchOr();
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'string') return { k: 'term', text: t.text, phrase: true };
    if (t.kind !== 'word' && t.kind !== 'quoted') this.fail(`unexpected ${describe(t)}`, t.offset);
    const after = this.peek('word');
    if (after.kind === 'op' && COMPARE_OPS.has(after.text)) {
      this.next('word');
      const v = this.next('word');
      if (v.kind !== 'word' && v.kind !== 'string') this.fail(`expected a value after '${after.text}' but found ${describe(v)}`, v.offset);
      const key = t.text.toLowerCase();
      if (t.kind === 'word' && TIME_KEYS[key] !== undefined) {
        if (after.text !== '=') this.fail(`${t.text} takes '=', not '${after.text}'`, after.offset);
        this.time.push({ which: TIME_KEYS[key], value: v.text, column: v.offset + 1 });
        return { k: 'all' };
      }
      const field = FIELD_ALIASES[t.text] ?? t.text;
      return { k: 'cmp', field, op: after.text as CompareOp, value: v.text, quoted: v.kind === 'string' };
    }
    if (after.kind === 'word' && after.text.toUpperCase() === 'IN') {
      const saved = this.lexer.position;
      this.next('word');
      if (this.skipOp('(')) {
        const values = this.untilClose('word', () => {
          const v = this.next('word');
          if (v.kind !== 'word' && v.kind !== 'string') this.fail(`expected a value but found ${describe(v)}`, v.offset);
          return v.text;
        });
        return { k: 'in', field: FIELD_ALIASES[t.text] ?? t.text, values };
      }
      this.lexer.seek(saved);
    }
    if (t.kind === 'quoted') this.fail(`a quoted field name needs a comparison`, t.offset);
    if (t.text === '*') return { k: 'all' };
    return { k: 'term', text: t.text, phrase: false };
  }

  // ---- expressions ---------------------------------------------------------------------------

  expr(): Expr {
    return this.orExpr();
  }

  keyword(word: string): boolean {
    const t = this.peek('expr');
    if (t.kind === 'word' && t.text.toUpperCase() === word) {
      this.next('expr');
      return true;
    }
    return false;
  }

  orExpr(): Expr {
    let l = this.andExpr();
    while (this.keyword('OR')) l = { k: 'bin', op: 'OR', l, r: this.andExpr() };
    return l;
  }

  andExpr(): Expr {
    let l = this.notExpr();
    while (this.keyword('AND')) l = { k: 'bin', op: 'AND', l, r: this.notExpr() };
    return l;
  }

  notExpr(): Expr {
    if (this.keyword('NOT') || this.skipOp('!', 'expr')) return { k: 'not', e: this.notExpr() };
    return this.compareExpr();
  }

  compareExpr(): Expr {
    const l = this.addExpr();
    const t = this.peek('expr');
    if (t.kind === 'op' && EXPR_COMPARE_OPS.has(t.text)) {
      this.next('expr');
      return { k: 'bin', op: t.text, l, r: this.addExpr() };
    }
    if (this.keyword('LIKE')) return { k: 'bin', op: 'LIKE', l, r: this.addExpr() };
    return l;
  }

  addExpr(): Expr {
    return this.chain(ADD_OPS, () => this.mulExpr());
  }

  mulExpr(): Expr {
    return this.chain(MUL_OPS, () => this.unary());
  }

  /** Operands joined left to right by any of `ops`. */
  chain(ops: ReadonlySet<string>, operand: () => Expr): Expr {
    let l = operand();
    for (;;) {
      const t = this.peek('expr');
      if (t.kind !== 'op' || !ops.has(t.text)) return l;
      this.next('expr');
      l = { k: 'bin', op: t.text, l, r: operand() };
    }
  }

  unary(): Expr {
    if (this.skipOp('-', 'expr')) return { k: 'neg', e: this.unary() };
    return this.primary();
  }

  primary(): Expr {
    const t = this.next('expr');
    switch (t.kind) {
      case 'number':
        return { k: 'num', v: Number(t.text) };
      case 'string':
        return { k: 'str', v: t.text };
      case 'quoted':
        return { k: 'field', name: t.text };
      case 'op':
        if (t.text === '(') {
          const inner = this.expr();
          this.expectOp(')', 'expr');
          return inner;
        }
        return this.fail(`unexpected ${describe(t)}`, t.offset);
      case 'word': {
        const after = this.peek('expr');
        if (this.isOp(after, '(') && !after.spaced) return this.call(t);
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return { k: 'bool', v: lower === 'true' };
        if (lower === 'null') return { k: 'null' };
        return { k: 'field', name: t.text };
      }
      default:
        return this.fail('unexpected end of the expression', t.offset);
    }
  }

  call(nameToken: Token): Expr {
    const name = nameToken.text.toLowerCase();
    const spec = FUNCTIONS[name];
    if (spec === undefined) this.fail(`unknown function '${nameToken.text}'`, nameToken.offset);
    this.expectOp('(', 'expr');
    const args = this.skipOp(')', 'expr') ? [] : this.untilClose('expr', () => this.expr());
    if (args.length < spec.min || args.length > spec.max) {
      const want = spec.min === spec.max ? `${spec.min}` : spec.max >= 100 ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
      this.fail(`function '${name}' takes ${want} arguments, got ${args.length}`, nameToken.offset);
    }
    if ((name === 'match' || name === 'replace') && args[1]?.k === 'str') {
      try {
        new RegExp(args[1].v.replace(/\(\?P</g, '(?<'));
      } catch (err) {
        this.fail(`invalid regular expression: ${(err as Error).message}`, nameToken.offset);
      }
    }
    return { k: 'call', name, args, column: nameToken.offset + 1 };
  }

  assignments(): { field: string; expr: Expr }[] {
    const assigns: { field: string; expr: Expr }[] = [];
    for (;;) {
      const f = this.next('expr');
      if (f.kind !== 'word' && f.kind !== 'quoted') this.fail(`expected a field name but found ${describe(f)}`, f.offset);
      this.expectOp('=', 'expr');
      if (this.atEnd('expr')) this.fail(`missing an expression after '${f.text}='`, this.lexer.position);
      assigns.push({ field: f.text, expr: this.expr() });
      if (this.skipOp(',', 'expr')) continue;
      this.endOfCommand('expr');
      return assigns;
    }
  }

  // ---- transforming commands ----------------------------------------------------------------

  aggregation(): Aggregation {
    const t = this.next('word');
    const fn = t.kind === 'word' ? AGG_NAMES[t.text.toLowerCase()] : undefined;
    if (fn === undefined) this.fail(`unknown aggregation ${describe(t)}`, t.offset);
    let field: string | undefined;
    if (this.skipOp('(')) {
      if (!this.isOp(this.peek('word'), ')')) field = this.field('word');
      this.expectOp(')');
    }
    if (field === undefined && fn !== 'count') this.fail(`function '${t.text}' needs a field`, t.offset);
    let as = field === undefined ? 'count' : `${t.text.toLowerCase()}(${field})`;
    const maybeAs = this.peek('word');
    if (this.isWord(maybeAs, 'as')) {
      this.next('word');
      as = this.field('word', 'a name after AS');
    }
    return { fn, field, as };
  }

  byFields(): string[] {
    const t = this.peek('word');
    if (!this.isWord(t, 'by')) return [];
    this.next('word');
    const fields = this.fieldList();
    if (fields.length === 0) this.fail("expected a field after 'by'", this.lexer.position);
    return fields;
  }

  /** Field names separated by spaces or commas, up to the end of the command or a keyword. */
  fieldList(stopWords: readonly string[] = []): string[] {
    const fields: string[] = [];
    for (;;) {
      if (this.atEnd()) return fields;
      if (this.skipOp(',')) continue;
      if (this.isWord(this.peek('word'), ...stopWords)) return fields;
      fields.push(this.field('word'));
    }
  }

  /** A field list that names at least one field. */
  someFields(stopWords: readonly string[] = []): string[] {
    const fields = this.fieldList(stopWords);
    if (fields.length === 0) this.fail('expected at least one field', this.lexer.position);
    return fields;
  }

  stats(column: number): Command {
    const aggs: Aggregation[] = [];
    for (;;) {
      if (this.atEnd() || this.isWord(this.peek('word'), 'by')) break;
      if (this.skipOp(',')) continue;
      aggs.push(this.aggregation());
    }
    if (aggs.length === 0) this.fail('expected at least one aggregation', this.lexer.position);
    const by = this.byFields();
    this.endOfCommand();
    return { name: 'stats', aggs, by, column };
  }

  timechart(column: number): Command {
    let spanMs: number | undefined;
    let limit = 10;
    for (let o = this.option('span', 'limit'); o !== undefined; o = this.option('span', 'limit')) {
      const v = o.value;
      if (o.name === 'span') {
        const m = v.kind === 'word' ? SPAN.exec(v.text) : null;
        if (m === null || Number(m[1]) === 0) this.fail(`invalid span ${describe(v)}: use <n>s, m, h, d or w`, v.offset);
        spanMs = Number(m[1]) * SPAN_MS[m[2]];
      } else limit = this.integer(v, 'limit');
    }
    const agg = this.aggregation();
    const more = this.peek('word');
    if (this.isOp(more, ',')) this.fail('timechart takes a single aggregation here', more.offset);
    const by = this.byFields();
    if (by.length > 1) this.fail('timechart splits by one field only', this.lexer.position);
    this.endOfCommand();
    return { name: 'timechart', spanMs, limit, agg, by: by[0], column };
  }

  sortKeys(): SortKey[] {
    const keys: SortKey[] = [];
    for (;;) {
      if (this.atEnd()) return keys;
      const t = this.next('word');
      if (this.isOp(t, ',')) continue;
      if (t.kind === 'quoted') {
        keys.push({ field: t.text, desc: false });
        continue;
      }
      if (t.kind !== 'word') this.fail(`expected a sort field but found ${describe(t)}`, t.offset);
      let desc = false;
      let name = t.text;
      if (name === '-' || name === '+') {
        desc = name === '-';
        name = this.field('word');
      } else if (name[0] === '-' || name[0] === '+') {
        desc = name[0] === '-';
        name = name.slice(1);
      }
      keys.push({ field: name, desc });
    }
  }

  sort(column: number): Command {
    const count = this.leadingCount();
    const limit = count === undefined ? DEFAULT_SORT_LIMIT : Number(count.text);
    const keys = this.sortKeys();
    if (keys.length === 0) this.fail('expected at least one sort field', this.lexer.position);
    return { name: 'sort', limit: limit === 0 ? Number.POSITIVE_INFINITY : limit, keys, column };
  }

  rename(column: number): Command {
    const pairs: { from: string; to: string }[] = [];
    for (;;) {
      const from = this.field('word');
      const as = this.next('word');
      if (!this.isWord(as, 'as')) this.fail(`expected 'AS' but found ${describe(as)}`, as.offset);
      const to = this.field('word', 'a new field name');
      if (from.split('*').length !== to.split('*').length) {
        this.fail(`wildcards in '${from}' and '${to}' do not match`, as.offset);
      }
      pairs.push({ from, to });
      if (this.atEnd()) return { name: 'rename', pairs, column };
      this.skipOp(',');
    }
  }

  dedup(column: number): Command {
    const first = this.leadingCount();
    const count = first === undefined ? 1 : this.integer(first, 'the count', 1);
    const fields = this.someFields(['sortby']);
    let sortBy: SortKey[] = [];
    if (this.isWord(this.peek('word'), 'sortby')) {
      this.next('word');
      sortBy = this.sortKeys();
      if (sortBy.length === 0) this.fail("expected a field after 'sortby'", this.lexer.position);
    }
    return { name: 'dedup', count, fields, sortBy, column };
  }

  top(column: number): Command {
    const count = this.leadingCount();
    let limit = count === undefined ? 10 : Number(count.text);
    let showPercent = true;
    let countField = 'count';
    let percentField = 'percent';
    const names = ['limit', 'showperc', 'countfield', 'percentfield'];
    for (let o = this.option(...names); o !== undefined; o = this.option(...names)) {
      const v = o.value;
      switch (o.name) {
        case 'limit':
          limit = this.integer(v, 'limit');
          break;
        case 'showperc':
          showPercent = this.boolean(v, 'showperc');
          break;
        case 'countfield':
          countField = v.text;
          break;
        default:
          percentField = v.text;
      }
    }
    const fields = this.someFields(['by']);
    const by = this.byFields();
    this.endOfCommand();
    return { name: 'top', limit: limit === 0 ? Number.POSITIVE_INFINITY : limit, showPercent, countField, percentField, fields, by, column };
  }

  boolean(t: Token, what: string): boolean {
    const v = t.text.toLowerCase();
    if (['true', 't', '1', 'yes'].includes(v)) return true;
    if (['false', 'f', '0', 'no'].includes(v)) return false;
    return this.fail(`${what} must be true or false, found ${describe(t)}`, t.offset);
  }

  rex(column: number): Command {
    let field = '_raw';
    let maxMatch = 1;
    let sedMode = false;
    let pattern: Token | undefined;
    while (!this.atEnd()) {
      const t = this.next('word');
      if (t.kind === 'string') {
        if (pattern !== undefined) this.fail('rex takes one regular expression', t.offset);
        pattern = t;
        continue;
      }
      if (!this.isWord(t, 'field', 'max_match', 'mode')) this.fail(`unexpected ${describe(t)}`, t.offset);
      this.expectOp('=');
      const v = this.next('word');
      switch (t.text.toLowerCase()) {
        case 'field':
          if (v.kind !== 'word' && v.kind !== 'quoted') this.fail(`expected a field name but found ${describe(v)}`, v.offset);
          field = v.text;
          break;
        case 'max_match':
          maxMatch = this.integer(v, 'max_match');
          break;
        default:
          if (v.text.toLowerCase() !== 'sed') this.fail(`mode must be sed, found ${describe(v)}`, v.offset);
          sedMode = true;
      }
    }
    if (pattern === undefined) this.fail('missing the regular expression', this.lexer.position);
    if (sedMode) {
      const sed = parseSed(pattern.text);
      if (typeof sed === 'string') this.fail(sed, pattern.offset);
      return { name: 'rex', field, regex: sed.pattern, maxMatch, sed, column };
    }
    let regex: RegExp;
    try {
      regex = new RegExp(pattern.text.replace(/\(\?P</g, '(?<'), 'g');
    } catch (err) {
      return this.fail(`invalid regular expression: ${(err as Error).message}`, pattern.offset);
    }
    if (!/\(\?<[A-Za-z_]/.test(regex.source)) this.fail('the regular expression has no named group (?<name>...)', pattern.offset);
    return { name: 'rex', field, regex, maxMatch: maxMatch === 0 ? Number.POSITIVE_INFINITY : maxMatch, sed: undefined, column };
  }
}

/** `s/regex/replacement/flags` with `\/` for a literal slash; a message when malformed. */
function parseSed(text: string): { pattern: RegExp; replacement: string } | string {
  if (!text.startsWith('s/')) return "sed expressions look like 's/regex/replacement/flags'";
  const parts: string[] = [];
  let current = '';
  for (let i = 2; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '/') {
      current += '/';
      i++;
    } else if (c === '/') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  if (parts.length !== 3) return "sed expressions look like 's/regex/replacement/flags'";
  const [source, replacement, flags] = parts;
  if (!/^[gi]*$/.test(flags)) return `unsupported sed flags '${flags}' (use g and i)`;
  try {
    return { pattern: new RegExp(source, flags), replacement: sedReplacement(replacement) };
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the query';
    case 'string':
      return `"${t.text}"`;
    case 'quoted':
      return `'${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

/** Parses an SPL query; throws an `E_SPL_SYNTAX` / `E_SPL_UNKNOWN_COMMAND` DomainError. */
export function parseSpl(text: string): Query {
  return new Parser(text).query();
}
