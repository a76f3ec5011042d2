// TICKscript recursive-descent parser with Kapacitor's grammar, comment attachment and error texts.

import type {
  BinaryNode,
  ChainNode,
  CommentNode,
  DurationNode,
  ExprNode,
  FuncType,
  FunctionNode,
  IdentNode,
  LambdaNode,
  NumberNode,
  Pos,
  ProgramNode,
  ReferenceNode,
  RegexNode,
  StatementNode,
  StringNode,
} from './ast.ts';
import { TickSyntaxError } from './errors.ts';
import { isExprOperator, lex, T, type Token, tokenName } from './lexer.ts';
import { compileGoRegex } from './regex.ts';
import { parseTickDuration } from './duration.ts';

/** Maps script indices to Kapacitor's line and byte-column numbers. */
export class SourceMap {
  readonly text: string;
  readonly #lineStarts: number[] = [0];
  readonly #ascii: boolean;

  constructor(text: string) {
    this.text = text;
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.#lineStarts.push(i + 1);
      else if (c > 127) ascii = false;
    }
    this.#ascii = ascii;
  }

  /** Byte offset of a code-unit index (Go positions are bytes). */
  byteOffset(pos: number): number {
    return this.#ascii ? pos : Buffer.byteLength(this.text.slice(0, pos));
  }

  position(pos: number): Pos {
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = starts[lo]!;
    const char = this.#ascii ? pos - lineStart + 1 : Buffer.byteLength(this.text.slice(lineStart, pos)) + 1;
    return { pos, line: lo + 1, char };
  }
}

const PRECEDENCE: Record<number, number> = {
  [T.Or]: 0,
  [T.And]: 1,
  [T.Equal]: 2,
  [T.NotEqual]: 2,
  [T.RegexEqual]: 2,
  [T.RegexNotEqual]: 2,
  [T.Greater]: 3,
  [T.GreaterEqual]: 3,
  [T.Less]: 3,
  [T.LessEqual]: 3,
  [T.Plus]: 4,
  [T.Minus]: 4,
  [T.Mult]: 5,
  [T.Div]: 5,
  [T.Mod]: 5,
};

const CLOSED: Token = { type: T.Error, pos: 0, val: '' };

/** Max nesting of parentheses / unary operators / chains before we refuse (keeps the stack safe on hostile input). */
const MAX_DEPTH = 1000;

class Parser {
  readonly text: string;
  readonly map: SourceMap;
  readonly #tokens: Token[];
  #index = 0;
  readonly #token: [Token, Token] = [CLOSED, CLOSED];
  readonly #comments: [CommentNode | undefined, CommentNode | undefined] = [undefined, undefined];
  #peekCount = 0;
  #depth = 0;

  constructor(text: string) {
    this.text = text;
    this.map = new SourceMap(text);
    this.#tokens = lex(text);
  }

  #lexNext(): Token {
    return this.#index < this.#tokens.length ? this.#tokens[this.#index++]! : CLOSED;
  }

  #nextToken(): [Token, CommentNode | undefined] {
    let t = this.#lexNext();
    const lines: string[] = [];
    let pos = -1;
    for (; t.type === T.Comment; t = this.#lexNext()) {
      if (pos === -1) pos = t.pos;
      lines.push(t.val);
    }
    return [t, lines.length > 0 ? newComment(this.map.position(pos), lines) : undefined];
  }

  next(): Token {
    if (this.#peekCount > 0) this.#peekCount--;
    else [this.#token[0], this.#comments[0]] = this.#nextToken();
    return this.#token[this.#peekCount]!;
  }

  backup(): void {
    this.#peekCount++;
  }

  peek(): Token {
    if (this.#peekCount > 0) return this.#token[this.#peekCount - 1]!;
    this.#peekCount = 1;
    this.#token[1] = this.#token[0];
    this.#comments[1] = this.#comments[0];
    [this.#token[0], this.#comments[0]] = this.#nextToken();
    return this.#token[0];
  }

  consumeComment(): CommentNode | undefined {
    const c = this.#comments[this.#peekCount];
    this.#comments[this.#peekCount] = undefined;
    return c;
  }

  pos(p: number): Pos {
    return this.map.position(p);
  }

  fail(message: string, at: number): never {
    throw new TickSyntaxError(`parser: ${message}`, this.pos(at));
  }

  expect(type: T): Token {
    const t = this.next();
    if (t.type !== type) this.unexpected(t, type);
    return t;
  }

  unexpected(tok: Token, ...expected: T[]): never {
    const bytes = Buffer.from(this.text, 'utf8');
    const at = this.map.byteOffset(tok.pos);
    let start = Math.max(0, at - 10);
    const nlBefore = bytes.subarray(start, at).lastIndexOf(10);
    if (nlBefore !== -1) start = start + nlBefore + 1;
    let stop = Math.min(bytes.length, at + 10);
    const nlAfter = bytes.subarray(at, stop).indexOf(10);
    if (nlAfter !== -1) stop = at + nlAfter;
    const p = this.pos(tok.pos);
    const tokStr = tok.type === T.Error ? tok.val : tokenName(tok.type);
    const exp = expected.map((e) => `"${goEscape(tokenName(e))}"`).join(',');
    const snippet = bytes.subarray(start, stop).toString('utf8');
    throw new TickSyntaxError(
      `parser: unexpected ${tokStr} line ${p.line} char ${p.char} in "${snippet}". expected: ${exp}`,
      p,
      { token: tok, expected: expected.map(tokenName) },
    );
  }

  #enter(at: number): void {
    if (++this.#depth > MAX_DEPTH) this.fail('expression nested too deeply', at);
  }

  #leave(): void {
    this.#depth--;
  }

  program(): ProgramNode {
    const nodes: StatementNode[] = [];
    for (;;) {
      if (this.peek().type === T.EOF) {
        const c1 = this.#comments[1];
        const c0 = this.#comments[0];
        if (c1) nodes.push(c1);
        if (c0) nodes.push(c0);
        return { kind: 'program', ...this.pos(0), nodes };
      }
      nodes.push(this.statement());
    }
  }

  statement(): StatementNode {
    switch (this.peek().type) {
      case T.Var:
        return this.declaration();
      case T.DBRP:
        return this.dbrp();
      default:
        return this.expression();
    }
  }

  dbrp(): StatementNode {
    const tok = this.expect(T.DBRP);
    const comment = this.consumeComment();
    const db = this.reference();
    this.expect(T.Dot);
    const rp = this.reference();
    return { kind: 'dbrp', ...this.pos(tok.pos), db, rp, comment };
  }

  declaration(): StatementNode {
    const tok = this.expect(T.Var);
    const comment = this.consumeComment();
    const left = this.identifier();
    if (this.peek().type === T.Asgn) {
      this.expect(T.Asgn);
      const right = this.expression();
      return { kind: 'decl', ...this.pos(tok.pos), left, right, comment };
    }
    const type = this.identifier();
    return { kind: 'typedecl', ...this.pos(tok.pos), node: left, type, comment };
  }

  expression(): ExprNode {
    switch (this.peek().type) {
      case T.Ident: {
        this.next();
        switch (this.peek().type) {
          case T.LParen: {
            this.backup();
            const term = this.function('global');
            switch (this.peek().type) {
              case T.Dot:
              case T.Pipe:
              case T.At:
              case T.Var:
              case T.Ident:
                return this.chain(term);
              default:
                return this.precedence(term, 0);
            }
          }
          case T.Dot:
          case T.At:
          case T.Pipe:
          case T.Var:
          case T.Ident: {
            this.backup();
            const term = this.identifier();
            return this.chain(term);
          }
          default:
            this.backup();
            return this.primaryExpr();
        }
      }
      case T.Lambda:
        return this.lambda();
      case T.LSBracket:
        return this.stringList();
      default:
        return this.primaryExpr();
    }
  }

  chain(lhs: ExprNode): ExprNode {
    // Iterative form of Kapacitor's tail-recursive chain: same tree. Each link deepens the tree, so
    // it counts against the nesting limit (the evaluator and formatter walk it recursively).
    let links = 0;
    for (;;) {
      const t = this.peek().type;
      if (t !== T.Dot && t !== T.Pipe && t !== T.At) {
        this.#depth -= links;
        return lhs;
      }
      const op = this.next();
      links++;
      this.#enter(op.pos);
      const comment = this.consumeComment();
      const ft: FuncType = op.type === T.Dot ? 'property' : op.type === T.Pipe ? 'chain' : 'dynamic';
      const rhs = this.funcOrIdent(ft);
      const node: ChainNode = {
        kind: 'chain',
        ...this.pos(op.pos),
        op: op.type as T.Dot | T.Pipe | T.At,
        left: lhs,
        right: rhs,
        comment,
      };
      lhs = node;
    }
  }

  funcOrIdent(ft: FuncType): FunctionNode | IdentNode {
    this.next();
    if (ft === 'chain' || this.peek().type === T.LParen) {
      this.backup();
      return this.function(ft);
    }
    this.backup();
    return this.identifier();
  }

  identifier(): IdentNode {
    const tok = this.expect(T.Ident);
    return { kind: 'ident', ...this.pos(tok.pos), name: tok.val, comment: this.consumeComment() };
  }

  function(ft: FuncType): FunctionNode {
    const ident = this.expect(T.Ident);
    const comment = this.consumeComment();
    this.expect(T.LParen);
    this.#enter(ident.pos);
    const args = this.parameters();
    this.#leave();
    this.expect(T.RParen);
    const multiLine = args.length > 0 && this.text.slice(ident.pos, args[args.length - 1]!.pos).includes('\n');
    return { kind: 'function', ...this.pos(ident.pos), funcType: ft, name: ident.val, args, multiLine, comment };
  }

  parameters(): ExprNode[] {
    const args: ExprNode[] = [];
    for (;;) {
      if (this.peek().type === T.RParen) return args;
      args.push(this.expression());
      if (this.next().type !== T.Comma) {
        this.backup();
        return args;
      }
    }
  }

  stringList(): ExprNode {
    const tok = this.expect(T.LSBracket);
    const comment = this.consumeComment();
    const nodes: ExprNode[] = [];
    for (;;) {
      if (this.peek().type === T.RSBracket) break;
      nodes.push(this.stringItem());
      if (this.next().type !== T.Comma) {
        this.backup();
        break;
      }
    }
    this.expect(T.RSBracket);
    return { kind: 'list', ...this.pos(tok.pos), nodes, comment };
  }

  stringItem(): ExprNode {
    const t = this.peek();
    switch (t.type) {
      case T.Ident:
        return this.identifier();
      case T.String:
        return this.string();
      case T.Star:
        return this.star();
      default:
        return this.unexpected(t, T.Ident, T.String, T.Star);
    }
  }

  lambda(): LambdaNode {
    const tok = this.next();
    const comment = this.consumeComment();
    const expression = this.primaryExpr();
    return { kind: 'lambda', ...this.pos(tok.pos), expression, comment };
  }

  primaryExpr(): ExprNode {
    return this.precedence(this.primary(), 0);
  }

  precedence(lhs: ExprNode, minP: number): ExprNode {
    let look = this.peek();
    // Every operator of a run nests the tree one level deeper (left-associative), so it counts too.
    let added = 0;
    while (isExprOperator(look.type) && PRECEDENCE[look.type]! >= minP) {
      const op = this.next();
      added++;
      this.#enter(op.pos);
      const comment = this.consumeComment();
      let rhs = this.primary();
      look = this.peek();
      while (isExprOperator(look.type) && PRECEDENCE[look.type]! > PRECEDENCE[op.type]!) {
        this.#enter(look.pos);
        rhs = this.precedence(rhs, PRECEDENCE[look.type]!);
        this.#leave();
        look = this.peek();
      }
      const multiLine = this.text.slice(lhs.pos, rhs.pos).includes('\n');
      const b: BinaryNode = {
        kind: 'binary',
        ...this.pos(op.pos),
        op: op.type,
        left: lhs,
        right: rhs,
        parens: false,
        multiLine,
        comment,
      };
      lhs = b;
    }
    this.#depth -= added;
    return lhs;
  }

  lfunction(): FunctionNode {
    const ident = this.expect(T.Ident);
    this.expect(T.LParen);
    this.#enter(ident.pos);
    const args: ExprNode[] = [];
    for (;;) {
      if (this.peek().type === T.RParen) break;
      let n = this.primary();
      if (isExprOperator(this.peek().type)) n = this.precedence(n, 0);
      args.push(n);
      if (this.next().type !== T.Comma) {
        this.backup();
        break;
      }
    }
    this.#leave();
    this.expect(T.RParen);
    const multiLine = args.length > 0 && this.text.slice(ident.pos, args[args.length - 1]!.pos).includes('\n');
    return { kind: 'function', ...this.pos(ident.pos), funcType: 'global', name: ident.val, args, multiLine };
  }

  primary(): ExprNode {
    const tok = this.peek();
    switch (tok.type) {
      case T.LParen: {
        this.next();
        const comment = this.consumeComment();
        this.#enter(tok.pos);
        const n = this.primaryExpr();
        this.#leave();
        if (n.kind === 'binary') n.parens = true;
        if (n.kind !== 'function') n.comment = comment;
        this.expect(T.RParen);
        return n;
      }
      case T.Number:
        return this.number();
      case T.String:
        return this.string();
      case T.True:
      case T.False: {
        const t = this.next();
        return { kind: 'bool', ...this.pos(t.pos), value: t.type === T.True, comment: this.consumeComment() };
      }
      case T.Duration:
        return this.duration();
      case T.Regex:
        return this.regex();
      case T.Star:
        return this.star();
      case T.Reference:
        return this.reference();
      case T.Ident:
        this.next();
        if (this.peek().type === T.LParen) {
          this.backup();
          return this.lfunction();
        }
        this.backup();
        return this.identifier();
      case T.Minus:
      case T.Not: {
        this.next();
        this.#enter(tok.pos);
        const node = this.primary();
        this.#leave();
        return { kind: 'unary', ...this.pos(tok.pos), op: tok.type, node, comment: this.consumeComment() };
      }
      default:
        return this.unexpected(
          tok,
          T.Number,
          T.String,
          T.Duration,
          T.Ident,
          T.True,
          T.False,
          T.Equal,
          T.LParen,
          T.Minus,
          T.Not,
        );
    }
  }

  duration(): DurationNode {
    const tok = this.expect(T.Duration);
    const ns = parseTickDuration(tok.val);
    if (ns === undefined) this.fail('invalid duration', tok.pos);
    return { kind: 'duration', ...this.pos(tok.pos), literal: tok.val, ns, comment: this.consumeComment() };
  }

  number(): NumberNode {
    const tok = this.expect(T.Number);
    const text = tok.val;
    const p = this.pos(tok.pos);
    if (text.includes('.')) {
      const f = Number(text.endsWith('.') ? text.slice(0, -1) : text);
      if (!Number.isFinite(f)) this.fail(`illegal number syntax: ${goQuote(text)}`, tok.pos);
      return { kind: 'number', ...p, isInt: false, int: 0n, float: f, base: 10, comment: this.consumeComment() };
    }
    const octal = text.length > 1 && text[0] === '0';
    const valid = octal ? /^[0-7]+$/.test(text) : /^[0-9]+$/.test(text);
    const value = valid ? BigInt(octal ? `0o${text}` : text) : -1n;
    if (!valid || value > 9223372036854775807n) this.fail(`illegal number syntax: ${goQuote(text)}`, tok.pos);
    return {
      kind: 'number',
      ...p,
      isInt: true,
      int: value,
      float: 0,
      base: octal ? 8 : 10,
      comment: this.consumeComment(),
    };
  }

  string(): StringNode {
    const tok = this.expect(T.String);
    const txt = tok.val;
    let literal: string;
    let triple = false;
    if (txt.length >= 6 && txt.startsWith("'''")) {
      literal = txt.slice(3, -3);
      triple = true;
    } else literal = unescapeQuote(txt.slice(1, -1), "'");
    return { kind: 'string', ...this.pos(tok.pos), literal, triple, comment: this.consumeComment() };
  }

  regex(): RegexNode {
    const tok = this.expect(T.Regex);
    const literal = tok.val.slice(1, -1);
    const source = unescapeQuote(literal, '/');
    const compiled = compileGoRegex(source);
    if (typeof compiled === 'string') this.fail(compiled, tok.pos);
    return { kind: 'regex', ...this.pos(tok.pos), literal, source, regex: compiled, comment: this.consumeComment() };
  }

  star(): ExprNode {
    const tok = this.expect(T.Star);
    return { kind: 'star', ...this.pos(tok.pos), comment: this.consumeComment() };
  }

  reference(): ReferenceNode {
    const tok = this.expect(T.Reference);
    return {
      kind: 'reference',
      ...this.pos(tok.pos),
      name: unescapeQuote(tok.val.slice(1, -1), '"'),
      comment: this.consumeComment(),
    };
  }
}

/** Kapacitor's unescaping: only a backslash before the quote character is removed. */
function unescapeQuote(literal: string, quote: string): string {
  if (!literal.includes('\\')) return literal;
  let out = '';
  let last = 0;
  for (let i = 0; i < literal.length - 1; i++) {
    if (literal[i] === '\\' && literal[i + 1] === quote) {
      out += literal.slice(last, i);
      i++;
      last = i;
    }
  }
  return out + literal.slice(last);
}

function newComment(p: Pos, tokens: string[]): CommentNode {
  const comments: string[] = [];
  tokens.forEach((tok, i) => {
    if (i !== 0) comments.push('\n');
    for (const raw of tok.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      let text = line.startsWith('//') ? line.slice(2) : line;
      if (text.startsWith(' ')) text = text.slice(1);
      comments.push(text);
    }
  });
  return { kind: 'comment', ...p, comments };
}

/** Go's %q for a string (enough for the texts the parser quotes). */
export function goQuote(s: string): string {
  return `"${goEscape(s)}"`;
}

function goEscape(s: string): string {
  return s.replace(/[\\"\n\t\r]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\${c}`));
}

/** Parses a whole script. Throws `TickSyntaxError` (message `parser: ...`) on any error. */
export function parse(text: string): ProgramNode {
  const p = new Parser(text);
  const program = p.program();
  p.expect(T.EOF);
  return program;
}

/** Parses a bare lambda expression (the wire form of `lambda` vars: `"value" > 5`). */
export function parseLambdaExpression(text: string): LambdaNode {
  const p = new Parser(text);
  const expression = p.primaryExpr();
  p.expect(T.EOF);
  return { kind: 'lambda', ...p.pos(0), expression };
}
