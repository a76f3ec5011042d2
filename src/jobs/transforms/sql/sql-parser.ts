// The Sql transform's dialect: a single SELECT ... FROM t [WHERE ...], parsed by hand into an expression tree.

import { sqlSyntax, sqlUnsupported } from '../../errors.ts';

export type Expr =
  | { t: 'lit'; v: null | boolean | number | bigint | string; decimal?: boolean }
  | { t: 'col'; path: string[] }
  | { t: 'star' }
  | { t: 'call'; name: string; args: Expr[]; distinct?: boolean }
  | { t: 'cast'; expr: Expr; type: string }
  | { t: 'case'; operand?: Expr; whens: { when: Expr; result: Expr }[]; else?: Expr }
  | { t: 'unary'; op: '-' | 'NOT' | '+'; expr: Expr }
  | { t: 'bin'; op: string; left: Expr; right: Expr }
  | { t: 'isnull'; expr: Expr; not: boolean }
  | { t: 'in'; expr: Expr; list: Expr[]; not: boolean }
  | { t: 'like'; expr: Expr; pattern: Expr; not: boolean }
  | { t: 'between'; expr: Expr; lo: Expr; hi: Expr; not: boolean };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

/** `LATERAL VIEW [OUTER] EXPLODE(expr) AS col`: one output row per element of the array. */
export interface LateralView {
  expr: Expr;
  alias: string;
  outer: boolean;
}

export interface Select {
  items: SelectItem[];
  table: string;
  laterals: LateralView[];
  where?: Expr;
}

type Tok = { k: 'id' | 'qid' | 'num' | 'str' | 'op' | 'eof'; v: string; pos: number };

const OPS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';'];

function lex(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw sqlSyntax(i, 'unterminated string literal');
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += sql[j++];
      }
      out.push({ k: 'str', v: s, pos: i });
      i = j + 1;
      continue;
    }
    if (c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw sqlSyntax(i, 'unterminated quoted identifier');
      out.push({ k: 'qid', v: sql.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => sql.startsWith(o, i));
    if (!op) throw sqlSyntax(i, `unexpected character '${c}'`);
    out.push({ k: 'op', v: op, pos: i });
    i += op.length;
  }
  out.push({ k: 'eof', v: '', pos: sql.length });
  return out;
}

const RESERVED = new Set(['FROM', 'WHERE', 'AS', 'AND', 'OR', 'NOT', 'IN', 'IS', 'LIKE', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'JOIN', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'HAVING', 'ON', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'CROSS', 'FULL', 'LATERAL']);

class P {
  #t: Tok[];
  #i = 0;
  constructor(t: Tok[]) {
    this.#t = t;
  }
  peek(o = 0): Tok {
    return this.#t[Math.min(this.#i + o, this.#t.length - 1)];
  }
  next(): Tok {
    return this.#t[this.#i++];
  }
  kw(word: string, o = 0): boolean {
    const t = this.peek(o);
    return t.k === 'id' && t.v.toUpperCase() === word;
  }
  eatKw(word: string): boolean {
    if (this.kw(word)) {
      this.#i++;
      return true;
    }
    return false;
  }
  expectKw(word: string): void {
    if (!this.eatKw(word)) this.fail(`expected ${word}`);
  }
  op(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  eatOp(v: string): boolean {
    if (this.op(v)) {
      this.#i++;
      return true;
    }
    return false;
  }
  expectOp(v: string): void {
    if (!this.eatOp(v)) this.fail(`expected '${v}'`);
  }
  fail(what: string): never {
    const t = this.peek();
    throw sqlSyntax(t.pos, `${what}, found ${t.k === 'eof' ? 'end of query' : `'${t.v}'`}`);
  }

  select(): Select {
    if (!this.eatKw('SELECT')) {
      const t = this.peek();
      if (t.k === 'id') throw sqlUnsupported(t.v.toUpperCase());
      this.fail('expected SELECT');
    }
    if (this.kw('DISTINCT')) throw sqlUnsupported('DISTINCT');
    const items: SelectItem[] = [];
    do {
      if (this.op('*')) {
        this.next();
        items.push({ expr: { t: 'star' } });
        continue;
      }
      const expr = this.expr();
      let alias: string | undefined;
      if (this.eatKw('AS')) alias = this.ident();
      else if ((this.peek().k === 'id' && !RESERVED.has(this.peek().v.toUpperCase())) || this.peek().k === 'qid') alias = this.ident();
      items.push({ expr, alias });
    } while (this.eatOp(','));
    this.expectKw('FROM');
    if (this.op('(')) throw sqlUnsupported('sub-select');
    let table = this.ident();
    if (this.eatOp('.')) throw sqlUnsupported('schema-qualified table');
    if (this.peek().k === 'id' && !RESERVED.has(this.peek().v.toUpperCase()) && this.peek().v.toUpperCase() !== 'LATERAL') throw sqlUnsupported('table alias');
    if (this.eatKw('AS')) throw sqlUnsupported('table alias');
    for (const w of ['JOIN', 'LEFT', 'RIGHT', 'INNER', 'CROSS', 'FULL']) if (this.kw(w)) throw sqlUnsupported('JOIN');
    if (this.op(',')) throw sqlUnsupported('JOIN');
    const laterals: LateralView[] = [];
    while (this.eatKw('LATERAL')) {
      this.expectKw('VIEW');
      const outer = this.eatKw('OUTER');
      if (!this.eatKw('EXPLODE')) throw sqlUnsupported('LATERAL VIEW without EXPLODE');
      this.expectOp('(');
      const expr = this.expr();
      this.expectOp(')');
      this.eatKw('AS');
      laterals.push({ expr, alias: this.ident(), outer });
    }
    let where: Expr | undefined;
    if (this.eatKw('WHERE')) where = this.expr();
    if (this.kw('GROUP') || this.kw('HAVING')) throw sqlUnsupported('GROUP BY');
    if (this.kw('ORDER')) throw sqlUnsupported('ORDER BY');
    if (this.kw('LIMIT') || this.kw('OFFSET')) throw sqlUnsupported('LIMIT');
    if (this.kw('UNION')) throw sqlUnsupported('UNION');
    this.eatOp(';');
    if (this.peek().k !== 'eof') this.fail('expected the end of the query');
    table = table.trim();
    return { items, table, laterals, where };
  }

  ident(): string {
    const t = this.next();
    if (t.k === 'id' || t.k === 'qid') return t.v;
    this.#i--;
    this.fail('expected an identifier');
  }

  expr(): Expr {
    return this.or();
  }
  or(): Expr {
    let left = this.and();
    while (this.eatKw('OR')) left = { t: 'bin', op: 'OR', left, right: this.and() };
    return left;
  }
  and(): Expr {
    let left = this.not();
    while (this.eatKw('AND')) left = { t: 'bin', op: 'AND', left, right: this.not() };
    return left;
  }
  not(): Expr {
    if (this.eatKw('NOT')) return { t: 'unary', op: 'NOT', expr: this.not() };
    return this.comparison();
  }
  comparison(): Expr {
    const left = this.concat();
    const t = this.peek();
    if (t.k === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.next();
      return { t: 'bin', op: t.v === '!=' ? '<>' : t.v, left, right: this.concat() };
    }
    if (this.eatKw('IS')) {
      const not = this.eatKw('NOT');
      this.expectKw('NULL');
      return { t: 'isnull', expr: left, not };
    }
    const not = this.kw('NOT') && (this.kw('IN', 1) || this.kw('LIKE', 1) || this.kw('BETWEEN', 1));
    if (not) this.next();
    if (this.eatKw('IN')) {
      this.expectOp('(');
      if (this.kw('SELECT')) throw sqlUnsupported('sub-select');
      const list: Expr[] = [];
      do list.push(this.expr());
      while (this.eatOp(','));
      this.expectOp(')');
      return { t: 'in', expr: left, list, not };
    }
    if (this.eatKw('LIKE')) return { t: 'like', expr: left, pattern: this.concat(), not };
    if (this.eatKw('BETWEEN')) {
      const lo = this.concat();
      this.expectKw('AND');
      return { t: 'between', expr: left, lo, hi: this.concat(), not };
    }
    if (not) this.fail('expected IN, LIKE or BETWEEN after NOT');
    return left;
  }
  concat(): Expr {
    let left = this.additive();
    while (this.eatOp('||')) left = { t: 'bin', op: '||', left, right: this.additive() };
    return left;
  }
  additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      if (this.eatOp('+')) left = { t: 'bin', op: '+', left, right: this.multiplicative() };
      else if (this.eatOp('-')) left = { t: 'bin', op: '-', left, right: this.multiplicative() };
      else return left;
    }
  }
  multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && (t.v === '*' || t.v === '/' || t.v === '%')) {
        this.next();
        left = { t: 'bin', op: t.v, left, right: this.unary() };
      } else return left;
    }
  }
  unary(): Expr {
    if (this.eatOp('-')) {
      const e = this.unary();
      if (e.t === 'lit' && typeof e.v === 'number') return { ...e, v: -e.v };
      if (e.t === 'lit' && typeof e.v === 'bigint') return { ...e, v: -e.v };
      return { t: 'unary', op: '-', expr: e };
    }
    if (this.eatOp('+')) return this.unary();
    return this.primary();
  }
  primary(): Expr {
    const t = this.next();
    if (t.k === 'num') {
      if (/^\d+$/.test(t.v)) {
        const n = Number(t.v);
        return { t: 'lit', v: Number.isSafeInteger(n) && n <= 2147483647 ? n : BigInt(t.v) };
      }
      return { t: 'lit', v: Number(t.v), decimal: true };
    }
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'op' && t.v === '(') {
      if (this.kw('SELECT')) throw sqlUnsupported('sub-select');
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.k === 'qid') return this.columnFrom(t.v);
    if (t.k === 'id') {
      const up = t.v.toUpperCase();
      if (up === 'NULL') return { t: 'lit', v: null };
      if (up === 'TRUE' || up === 'FALSE') return { t: 'lit', v: up === 'TRUE' };
      if (up === 'CASE') return this.caseExpr();
      if (up === 'CAST' && this.op('(')) {
        this.next();
        const expr = this.expr();
        this.expectKw('AS');
        let type = this.ident().toUpperCase();
        if (this.eatOp('(')) {
          const args: string[] = [];
          do args.push(this.next().v);
          while (this.eatOp(','));
          this.expectOp(')');
          type += `(${args.join(',')})`;
        }
        this.expectOp(')');
        return { t: 'cast', expr, type };
      }
      if (up === 'EXTRACT' && this.op('(')) {
        this.next();
        const field = this.ident().toUpperCase();
        this.expectKw('FROM');
        const e = this.expr();
        this.expectOp(')');
        return { t: 'call', name: 'EXTRACT', args: [{ t: 'lit', v: field }, e] };
      }
      if (up === 'POSITION' && this.op('(')) {
        this.next();
        const sub = this.concat();
        if (this.eatKw('IN')) {
          const s = this.expr();
          this.expectOp(')');
          return { t: 'call', name: 'LOCATE', args: [sub, s] };
        }
        const args = [sub];
        while (this.eatOp(',')) args.push(this.expr());
        this.expectOp(')');
        return { t: 'call', name: 'LOCATE', args };
      }
      if (this.op('(')) {
        this.next();
        const args: Expr[] = [];
        if (!this.op(')')) {
          do args.push(this.starOrExpr());
          while (this.eatOp(','));
        }
        this.expectOp(')');
        return { t: 'call', name: up, args };
      }
      // Functions SQL lets you call without parentheses.
      if (up === 'CURRENT_DATE' || up === 'CURRENT_TIME' || up === 'CURRENT_TIMESTAMP') return { t: 'call', name: up, args: [] };
      if (RESERVED.has(up)) {
        this.#i--;
        this.fail('expected an expression');
      }
      return this.columnFrom(t.v);
    }
    this.#i--;
    this.fail('expected an expression');
  }
  starOrExpr(): Expr {
    if (!this.op('*')) return this.expr();
    this.next();
    return { t: 'star' };
  }
  columnFrom(first: string): Expr {
    const path = [first];
    while (this.op('.')) {
      this.next();
      path.push(this.ident());
    }
    return { t: 'col', path };
  }
  caseExpr(): Expr {
    let operand: Expr | undefined;
    if (!this.kw('WHEN')) operand = this.expr();
    const whens: { when: Expr; result: Expr }[] = [];
    while (this.eatKw('WHEN')) {
      const when = this.expr();
      this.expectKw('THEN');
      whens.push({ when, result: this.expr() });
    }
    if (whens.length === 0) this.fail('expected WHEN');
    let elseExpr: Expr | undefined;
    if (this.eatKw('ELSE')) elseExpr = this.expr();
    this.expectKw('END');
    return { t: 'case', operand, whens, else: elseExpr };
  }
}

export function parseSelect(sql: string): Select {
  return new P(lex(sql)).select();
}
