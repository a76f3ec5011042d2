// eval(lambdas...): computes fields (or tags) per point; .as names them, .keep keeps old fields, .tags makes tags.

import type { FieldValue, Fields, Point, Tags } from '../../core/point.ts';
import type { LambdaState } from '../../tick/lambda/types.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { isLambda } from '../../tick/pipeline.ts';
import { goTypeOf } from '../../tick/values.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import { LambdaRunner, lambdaResultToField } from '../lambda-runner.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { flatten, propFlag, propStrings } from '../props.ts';

class EvalState extends GroupState {
  constructor(
    group: Group,
    readonly lambdas: (LambdaState | undefined)[],
  ) {
    super(group);
  }
}

export class EvalNode extends StatefulNode<EvalState> {
  readonly #runners: LambdaRunner[];
  readonly #as: string[];
  readonly #tagNames: Set<string>;
  readonly #keep: boolean;
  readonly #keepList: string[];
  readonly #stateful: boolean;
  /** One expression, no .tags() and no .keep() list: its value goes straight into the new fields. */
  readonly #single: boolean;

  /** The tags of the last point `#apply` built. */
  #outTags: Tags = {};

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#runners = spec.args.filter(isLambda).map((l) => new LambdaRunner(l));
    this.#as = propStrings(spec, 'as');
    if (this.#as.length !== this.#runners.length) {
      throw invalidNode(spec.name, 'must provide one name per expression via the "As" property');
    }
    this.#tagNames = new Set(propStrings(spec, 'tags'));
    this.#keep = propFlag(spec, 'keep') || spec.props['keep'] !== undefined;
    const keepCalls = spec.calls['keep'] ?? [];
    const lastKeep = keepCalls.length > 0 ? keepCalls[keepCalls.length - 1] : [];
    this.#keepList = lastKeep.flatMap((v) => flatten(v)).filter((v): v is string => typeof v === 'string');
    this.#stateful = this.#runners.some((r) => r.stateful);
    this.#single = this.#runners.length === 1 && this.#tagNames.size === 0 && this.#keepList.length === 0;
  }

  protected newState(g: Group): EvalState {
    return new EvalState(
      g,
      this.#runners.map((r) => r.newState()),
    );
  }

  protected override onPoint(p: Point, g: Group): void {
    const fields = this.#apply(p, g);
    if (fields === undefined) return;
    const q: Point = {
      database: p.database,
      retentionPolicy: p.retentionPolicy,
      name: p.name,
      tags: this.#outTags,
      fields,
      timeMs: p.timeMs,
      timeNs: p.timeNs,
    };
    this.emitPoint(q, g);
  }

  protected override onBatch(b: Batch): void {
    const points: BatchPoint[] = [];
    for (const p of b.points) {
      try {
        const fields = this.#apply(p, b.group);
        if (fields !== undefined) points.push({ tags: this.#outTags, fields, timeMs: p.timeMs, timeNs: p.timeNs });
      } catch (err) {
        this.fail(err);
      }
    }
    this.emitBatch({ ...b, points });
  }

  /** The new fields of `p`; its tags are left in `#outTags` (no result object per point). */
  #apply(p: BatchPoint, g: Group): Fields | undefined {
    const states = this.#stateful ? this.states.get(g).lambdas : undefined;
    if (this.#single) return this.#applySingle(p, states?.[0]);
    const results: Record<string, FieldValue> = {};
    let newTags: Tags | undefined;
    for (let i = 0; i < this.#runners.length; i++) {
      const name = this.#as[i];
      const value = lambdaResultToField(this.name, this.#runners[i].value(p, states?.[i], results));
      if (this.#tagNames.has(name)) {
        if (typeof value !== 'string') throw invalidNode(this.name, `result of a tag expression must be of type string, got ${goTypeOf(value)}`);
        newTags ??= { ...p.tags };
        newTags[name] = value;
      }
      results[name] = value;
    }
    let fields: Fields;
    // Without .tags() and .keep() the results are exactly the new fields.
    if (!this.#keep && newTags === undefined && this.#tagNames.size === 0) fields = results;
    else if (!this.#keep) {
      fields = {};
      for (const k in results) if (!this.#tagNames.has(k)) fields[k] = results[k];
    } else if (this.#keepList.length === 0) {
      // As in Kapacitor, keep() without names stores every result as a field, tag results included.
      fields = copyFields(p.fields);
      for (const k in results) fields[k] = results[k];
    } else {
      fields = {};
      for (const k of this.#keepList) {
        const v = k in results ? results[k] : p.fields[k];
        if (v === undefined) throw invalidNode(this.name, `cannot keep field "${k}", field does not exist`);
        fields[k] = v;
      }
    }
    this.#outTags = newTags ?? p.tags;
    return fields;
  }

  /** `#apply` for one expression without tags or a keep list: no results map, no second copy. */
  #applySingle(p: BatchPoint, state: LambdaState | undefined): Fields {
    const value = lambdaResultToField(this.name, this.#runners[0].value(p, state));
    const fields: Fields = this.#keep ? copyFields(p.fields) : {};
    fields[this.#as[0]] = value;
    this.#outTags = p.tags;
    return fields;
  }
}

/**
 * A copy that takes new keys cheaply: V8 gives a spread copy (`{ ...f }`) no room for more
 * properties, so adding the result to it cost ~270 bytes more (a new property store) than this.
 */
function copyFields(f: Fields): Fields {
  const out: Fields = {};
  for (const k in f) out[k] = f[k];
  return out;
}
