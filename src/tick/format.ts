// The canonical TICKscript formatter (`script-format=formatted`), printing exactly as Kapacitor's ast.Format does.

import type { CommentNode, ExprNode, ProgramNode, StatementNode } from './ast.ts';
import { tokenName } from './lexer.ts';
import { parse } from './parser.ts';

const STEP = '    ';

/** Parses and re-prints a script in canonical form. Throws the parse error when the script does not parse. */
export function formatScript(script: string): string {
  return formatProgram(parse(script));
}

export function formatProgram(program: ProgramNode): string {
  const out: string[] = [];
  program.nodes.forEach((node, i) => {
    if (i !== 0) out.push('\n');
    formatNode(out, node, '', true);
    out.push('\n');
  });
  return out.join('');
}

/** One expression on a single line, as Kapacitor prints a lambda's expression (the lambda var wire form). */
export function formatExpression(node: ExprNode): string {
  const out: string[] = [];
  formatNode(out, node, '', true);
  return out.join('');
}

function formatComment(out: string[], c: CommentNode, indent: string, onNewLine: boolean): void {
  if (!onNewLine) out.push('\n');
  for (const line of c.comments) {
    if (line === '\n') {
      out.push('\n');
      continue;
    }
    out.push(indent, '//');
    if (line.length > 0) out.push(' ', line);
    out.push('\n');
  }
}

function formatNode(out: string[], n: StatementNode, indent: string, onNewLine: boolean): void {
  if (n.kind === 'comment') {
    formatComment(out, n, indent, onNewLine);
    return;
  }
  if (n.kind === 'chain') {
    formatNode(out, n.left, indent, onNewLine);
    out.push('\n');
    let inner = indent + STEP;
    if (n.op === 5 /* T.Dot */) inner += STEP;
    if (n.comment) formatComment(out, n.comment, inner, true);
    out.push(inner, tokenName(n.op));
    formatNode(out, n.right, inner, false);
    return;
  }
  if (n.kind === 'dbrp') {
    if (n.comment) formatComment(out, n.comment, indent, onNewLine);
    out.push(indent, 'dbrp ', quoteRef(n.db.name), '.', quoteRef(n.rp.name));
    return;
  }
  if (n.kind === 'decl' || n.kind === 'typedecl') {
    if (n.comment) formatComment(out, n.comment, indent, onNewLine);
    out.push('var ');
    if (n.kind === 'decl') {
      formatNode(out, n.left, indent, false);
      out.push(' = ');
      formatNode(out, n.right, indent, false);
    } else {
      formatNode(out, n.node, indent, false);
      out.push(' ');
      formatNode(out, n.type, indent, false);
    }
    return;
  }
  if (n.comment) {
    formatComment(out, n.comment, indent, onNewLine);
    onNewLine = true;
  }
  if (onNewLine) out.push(indent);
  switch (n.kind) {
    case 'number':
      if (n.isInt) out.push(n.base === 8 ? `0${n.int.toString(8)}` : n.int.toString());
      else out.push(formatFloat(n.float));
      return;
    case 'duration':
      out.push(n.literal);
      return;
    case 'bool':
      out.push(n.value ? 'TRUE' : 'FALSE');
      return;
    case 'unary':
      out.push(tokenName(n.op));
      formatNode(out, n.node, indent, false);
      return;
    case 'binary': {
      let inner = indent;
      if (n.parens) {
        out.push('(');
        inner += STEP;
      }
      formatNode(out, n.left, inner, false);
      out.push(' ', tokenName(n.op), n.multiLine ? '\n' : ' ');
      formatNode(out, n.right, inner, n.multiLine);
      if (n.parens) out.push(')');
      return;
    }
    case 'reference':
      out.push(quoteRef(n.name));
      return;
    case 'string':
      if (n.triple) out.push("'''", n.literal, "'''");
      else out.push("'", n.literal.replace(/'/g, "\\'"), "'");
      return;
    case 'regex':
      out.push('/', n.literal, '/');
      return;
    case 'star':
      out.push('*');
      return;
    case 'ident':
      out.push(n.name);
      return;
    case 'list':
      out.push('[');
      n.nodes.forEach((item, i) => {
        if (i !== 0) out.push(', ');
        formatNode(out, item, indent, onNewLine);
      });
      out.push(']');
      return;
    case 'lambda':
      out.push('lambda: ');
      formatNode(out, n.expression, indent, false);
      return;
    case 'function': {
      out.push(n.name, '(');
      const argIndent = indent + STEP;
      n.args.forEach((arg, i) => {
        if (i !== 0) out.push(n.multiLine ? ',' : ', ');
        if (n.multiLine) out.push('\n');
        formatNode(out, arg, argIndent, n.multiLine);
      });
      if (n.multiLine && n.args.length > 0) out.push('\n', indent);
      out.push(')');
      return;
    }
  }
}

function quoteRef(name: string): string {
  return `"${name.replace(/"/g, '\\"')}"`;
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64), plus ".0" when the result has no dot. */
export function formatFloat(f: number): string {
  let s: string;
  if (Number.isInteger(f) && Math.abs(f) < 1e21) s = f.toFixed(0);
  else {
    s = String(f);
    if (/e/.test(s)) s = expandExponent(s);
  }
  return s.includes('.') ? s : `${s}.0`;
}

function expandExponent(s: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = lead! + frac;
  if (exp >= 0) {
    const intLen = 1 + exp;
    return sign + (digits.length <= intLen ? digits.padEnd(intLen, '0') : `${digits.slice(0, intLen)}.${digits.slice(intLen)}`);
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}
