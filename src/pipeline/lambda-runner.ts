// Evaluates a compiled lambda against points with one reusable scope object (no allocation per call).

import type { FieldValue, Fields, Tags } from '../core/point.ts';
import type { LambdaScope, LambdaState, LambdaValue } from '../tick/lambda/types.ts';
import type { CompiledLambda } from '../tick/pipeline.ts';
import { invalidNode } from './errors.ts';

const EMPTY: Record<string, never> = Object.freeze({}) as Record<string, never>;

interface Timed {
  readonly tags: Tags;
  readonly fields: Fields;
  readonly timeMs: number;
  readonly timeNs: number;
}

export class LambdaRunner {
  readonly #scope: LambdaScope = { fields: EMPTY, tags: EMPTY, timeMs: 0, timeNs: 0, extra: undefined };

  constructor(readonly lambda: CompiledLambda) {}

  get stateful(): boolean {
    return this.lambda.stateful;
  }

  /** A fresh per-group state, or undefined for stateless lambdas. */
  newState(): LambdaState | undefined {
    return this.lambda.stateful ? this.lambda.newState() : undefined;
  }

  bool(p: Timed, state?: LambdaState): boolean {
    const s = this.#fill(p, undefined);
    return this.lambda.evalBool(s, state);
  }

  value(p: Timed, state?: LambdaState, extra?: Record<string, FieldValue>): LambdaValue {
    const s = this.#fill(p, extra);
    return this.lambda.eval(s, state);
  }

  #fill(p: Timed, extra: Record<string, FieldValue> | undefined): LambdaScope {
    const s = this.#scope;
    s.fields = p.fields;
    s.tags = p.tags;
    s.timeMs = p.timeMs;
    s.timeNs = p.timeNs;
    s.extra = extra;
    return s;
  }
}

/** A lambda result as a field value: durations become integer nanoseconds; times and regexes are refused. */
export function lambdaResultToField(node: string, v: LambdaValue): FieldValue {
  if (typeof v !== 'object') return v;
  if (v.type === 'duration') return BigInt(v.ns);
  throw invalidNode(node, `cannot store a ${v.type === 'timeval' ? 'time' : 'regex'} value in a field`);
}
