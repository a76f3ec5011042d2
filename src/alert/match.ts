// Topic handler match expressions (`changed() AND level() >= WARNING`), compiled with the TICKscript lambda engine.

import type { ExprNode } from '../tick/ast.ts';
import { compileLambda, parseLambdaExpression } from '../tick/index.ts';
import type { CompiledLambda, LambdaScope } from '../tick/lambda/types.ts';
import { invalidMatch } from './errors.ts';
import type { AlertEvent } from './event.ts';

const IDENTIFIERS: Record<string, bigint> = { OK: 0n, INFO: 1n, WARNING: 2n, CRITICAL: 3n };

/** Match functions become references to names no tag can collide with; the event fills them per call. */
const FUNCTIONS: Record<string, string> = {
  changed: '\u0000changed',
  level: '\u0000level',
  name: '\u0000name',
  taskName: '\u0000taskName',
  alertDuration: '\u0000alertDuration',
};

function rewrite(n: ExprNode): ExprNode {
  switch (n.kind) {
    case 'ident': {
      const v = IDENTIFIERS[n.name];
      if (v === undefined) throw new Error(`unknown identifier ${JSON.stringify(n.name)}`);
      return { kind: 'number', pos: n.pos, line: n.line, char: n.char, isInt: true, int: v, float: Number(v), base: 10 };
    }
    case 'function': {
      const ref = FUNCTIONS[n.name];
      if (ref === undefined) return { ...n, args: n.args.map(rewrite) };
      if (n.args.length !== 0) throw new Error(`${n.name}() takes no arguments`);
      return { kind: 'reference', pos: n.pos, line: n.line, char: n.char, name: ref };
    }
    case 'binary':
      return { ...n, left: rewrite(n.left), right: rewrite(n.right) };
    case 'unary':
      return { ...n, node: rewrite(n.node) };
    default:
      return n;
  }
}

export class MatchExpression {
  readonly #lambda: CompiledLambda;
  readonly #scope: LambdaScope = { fields: {}, tags: {}, timeMs: 0, timeNs: 0, extra: undefined };

  constructor(readonly text: string) {
    let expr: ExprNode;
    try {
      expr = rewrite(parseLambdaExpression(text).expression);
    } catch (err) {
      throw invalidMatch((err as Error).message);
    }
    this.#lambda = compileLambda(expr);
  }

  /** True when the event passes; evaluation errors throw (the topic logs them and skips the handler). */
  matches(e: AlertEvent): boolean {
    const s = this.#scope;
    s.tags = e.data.tags;
    s.timeMs = e.state.time.ms;
    s.timeNs = e.state.time.ns;
    s.extra = {
      [FUNCTIONS.changed]: e.state.level !== e.previousLevel,
      [FUNCTIONS.level]: BigInt(e.state.level),
      [FUNCTIONS.name]: e.data.name,
      [FUNCTIONS.taskName]: e.data.taskName,
      // The lambda engine returns extra values as they are, so a duration value passes through.
      [FUNCTIONS.alertDuration]: { type: 'duration', ns: e.state.duration } as unknown as bigint,
    };
    return this.#lambda.evalBool(s);
  }
}
