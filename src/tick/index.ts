// TICKscript public API: parse, format, compile a task or template into a pipeline description, render DOT.

import type { ProgramNode } from './ast.ts';
import { TickEvalError } from './errors.ts';
import { type EvaluateOptions, type EvaluationResult, evaluateProgram } from './evaluate.ts';
import { parse } from './parser.ts';

export type { ProgramNode } from './ast.ts';
export { type DotOptions, type ExecutionStats, type NodeStats, renderDot } from './dot.ts';
export { LambdaError, TemplateError, TickEvalError, TickSyntaxError } from './errors.ts';
export type { EvaluateOptions, EvaluationResult } from './evaluate.ts';
export { formatExpression, formatScript } from './format.ts';
export { compileLambda, type LambdaCompileOptions } from './lambda/compile.ts';
export type { CompiledLambda, LambdaScope, LambdaState, LambdaValue, TimeValue } from './lambda/types.ts';
export * from './pipeline.ts';
export { parse, parseLambdaExpression } from './parser.ts';
export type { TickVar, VarType } from './values.ts';

/** `stream`, `batch`, or `invalid` when the script has no root or mixes both (Kapacitor's taskTypeFromProgram). */
export function inferTaskType(program: ProgramNode): 'stream' | 'batch' | 'invalid' {
  const found: string[] = [];
  for (const n of program.nodes) {
    let cur = n.kind === 'decl' ? n.right : n.kind === 'chain' ? n.left : undefined;
    while (cur) {
      if (cur.kind === 'chain') cur = cur.left;
      else {
        if (cur.kind === 'ident' && (cur.name === 'stream' || cur.name === 'batch')) found.push(cur.name);
        break;
      }
    }
  }
  if (found.length === 0 || found.some((t) => t !== found[0])) return 'invalid';
  return found[0] as 'stream' | 'batch';
}

export interface CompileTaskOptions extends EvaluateOptions {
  /** Force the task type instead of inferring it from the script's roots. */
  type?: 'stream' | 'batch';
  /** Compile as a template: missing var values get zero values and an empty pipeline is allowed. */
  template?: boolean;
}

export interface CompiledTask extends EvaluationResult {
  readonly program: ProgramNode;
  readonly type: 'stream' | 'batch';
}

/**
 * Parses and evaluates a task script into a pipeline description. Throws `TickSyntaxError` for
 * parse errors and `TickEvalError` for everything else, with Kapacitor's texts (the tasks API
 * prefixes them with `invalid TICKscript: `); `invalid task type: invalid` when the roots do not
 * say stream or batch; `task does nothing` when only the root exists.
 */
export function compileTask(script: string, options: CompileTaskOptions = {}): CompiledTask {
  const program = parse(script);
  return compileProgram(program, options);
}

export function compileProgram(program: ProgramNode, options: CompileTaskOptions = {}): CompiledTask {
  const inferred = options.type ?? inferTaskType(program);
  if (inferred === 'invalid') throw new TickEvalError('invalid task type: invalid');
  const result = evaluateProgram(program, inferred, { ...options, ignoreMissingVars: options.ignoreMissingVars ?? options.template });
  if (!options.template && result.pipeline.nodes.length <= 1) throw new TickEvalError('task does nothing');
  return { ...result, program, type: inferred };
}
