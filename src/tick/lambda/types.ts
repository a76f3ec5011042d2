// The compiled-lambda API the engine calls per point: a scope in, a typed value out, state per group.

import type { Fields, FieldValue, Tags } from '../../core/point.ts';

/**
 * What a lambda reads for one point. The engine may reuse one object per node and overwrite it
 * for every point (nothing keeps a reference to it after `eval` returns).
 */
export interface LambdaScope {
  fields: Fields;
  tags: Tags;
  /** Point time: whole ms since the epoch and ns within the ms (src/core/time.ts `Instant`). */
  timeMs: number;
  timeNs: number;
  /**
   * Extra names visible as references, checked before fields and tags: eval nodes pass the
   * results of earlier expressions here (`eval(lambda: a, lambda: "x" * 2)` with `.as('x', ...)`).
   */
  extra?: Record<string, FieldValue> | undefined;
}

/** A time value produced by `"time"` or `now()`. */
export interface TimeValue {
  readonly type: 'timeval';
  readonly ms: number;
  readonly ns: number;
}

/** A duration value inside a lambda (`5m`, `duration("x", 1s)`), in nanoseconds. */
export interface LambdaDuration {
  readonly type: 'duration';
  readonly ns: number;
}

/** A regex value inside a lambda. */
export interface LambdaRegex {
  readonly type: 'regex';
  readonly source: string;
  readonly regex: RegExp;
}

/** What a lambda returns: a field value (float number, int bigint, string, bool) or a typed special. */
export type LambdaValue = FieldValue | TimeValue | LambdaDuration | LambdaRegex;

/**
 * Opaque per-group state of the stateful functions (`count()`, `sigma()`, `spread()`, `rand()`)
 * used in one lambda. The engine keeps one per (node, group, lambda) from `newState()` and drops
 * it when the group is deleted; stateless lambdas (`stateful === false`) need none.
 */
export interface LambdaState {
  readonly slots: unknown[];
}

export interface CompiledLambda {
  readonly type: 'lambda';
  /** The expression as the formatter prints it, without `lambda: ` (the wire form of lambda vars). */
  readonly expression: string;
  /** Field/tag names the expression references, in first-use order (without `"time"`). */
  readonly references: readonly string[];
  /** True if the expression calls a stateful function and so needs a per-group state. */
  readonly stateful: boolean;
  newState(): LambdaState;
  /**
   * Evaluates for one point. Throws a `LambdaError` (a DomainError, code E_TICK_LAMBDA) with
   * Kapacitor's message for missing references and type errors: the node counts an error and
   * drops the point. `state` is required when `stateful`.
   */
  eval(scope: LambdaScope, state?: LambdaState): LambdaValue;
  /** Like `eval`, but the result must be a bool (where, alert levels, stateDuration ...). */
  evalBool(scope: LambdaScope, state?: LambdaState): boolean;
}
