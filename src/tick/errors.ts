// TICKscript error catalogue: syntax, evaluation and lambda errors, all carrying the script position.

import { DomainError } from '../core/errors.ts';
import type { Pos } from './ast.ts';

/** Where in the script an error points (1-based line and Kapacitor's byte column). */
export interface ErrorPosition {
  readonly line: number;
  readonly char: number;
}

/** A parse error. The message is Kapacitor's `parser: unexpected ...` text. */
export class TickSyntaxError extends DomainError {
  readonly position: ErrorPosition;
  constructor(message: string, pos: Pos | ErrorPosition, details?: unknown) {
    super('E_TICK_SYNTAX', 'invalid', message, details);
    this.position = { line: pos.line, char: pos.char };
  }
}

/**
 * An evaluation error (unknown property, wrong argument type, missing var, ...). The message is
 * Kapacitor's text; `hint`, when set, is our suggestion for the likely fix (never part of `message`).
 */
export class TickEvalError extends DomainError {
  readonly position: ErrorPosition | undefined;
  readonly hint: string | undefined;
  constructor(message: string, pos?: ErrorPosition, hint?: string) {
    super('E_TICK_EVAL', 'invalid', message);
    this.position = pos ? { line: pos.line, char: pos.char } : undefined;
    this.hint = hint;
  }
}

/** A lambda failed for one point (missing field, type mismatch ...): the node counts it and drops the point. */
export class LambdaError extends DomainError {
  /** Our suggestion for the likely fix (e.g. a single-quoted field name), never part of the message. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super('E_TICK_LAMBDA', 'invalid', message);
    this.hint = hint;
  }
}

/** A script construct that compiles but can never work as written (reported, not rejected). */
export interface TickWarning {
  readonly line: number;
  readonly char: number;
  readonly message: string;
}

/** A string template (alert id/message/details ...) failed to parse or to render. */
export class TemplateError extends DomainError {
  constructor(message: string) {
    super('E_TICK_TEMPLATE', 'invalid', message);
  }
}

/** `line L char C: <msg>` as Kapacitor prefixes evaluation errors. */
export function atPosition(pos: ErrorPosition, message: string): string {
  return `line ${pos.line} char ${pos.char}: ${message}`;
}
