// Projection pushdown: which fields a task can ever read from the points of one from() node, so
// that from() decodes only those. Each node kind says what it reads and whether it passes points
// on with their fields; anything not known to be narrower reads every field.

import { isLambda, type PipelineNode, type Value } from '../tick/pipeline.ts';
import { emitsOnlyItsResult } from './nodes/influxql.ts';

/** The field names a subtree may read, or `'all'`. */
export type FieldNeeds = ReadonlySet<string> | 'all';

/** Nodes that hand every point on with its fields unchanged (and read none but their lambdas' references). */
const PASS_THROUGH = new Set(['where', 'groupBy', 'window', 'shift', 'sample', 'barrier', 'noOp']);

/** The fields a from() node and everything below it may read. */
export function fieldsReadFrom(from: PipelineNode): FieldNeeds {
  return withReferences(from, fieldsNeededBelow(from));
}

/** What the children of `node` may read from the points it emits. */
function fieldsNeededBelow(node: PipelineNode): FieldNeeds {
  const needs = new Set<string>();
  for (const child of node.children) {
    const own = needsOf(child);
    if (own === 'all') return 'all';
    for (const name of own) needs.add(name);
  }
  return needs;
}

/** The fields `node` reads from the points it receives, including what it passes on. */
function needsOf(node: PipelineNode): FieldNeeds {
  if (PASS_THROUGH.has(node.kind)) return withReferences(node, fieldsNeededBelow(node));
  if (node.influxql && emitsOnlyItsResult(node.kind)) return new Set([String(node.args[0])]);
  // eval without keep() emits only its results: it reads its lambdas' references and nothing else.
  if (node.kind === 'eval' && node.props['keep'] === undefined && node.calls['keep'] === undefined) return withReferences(node, new Set());
  return 'all';
}

/** `needs` plus every name the node's lambdas (arguments and properties) reference. */
function withReferences(node: PipelineNode, needs: FieldNeeds): FieldNeeds {
  if (needs === 'all') return 'all';
  const out = new Set(needs);
  const add = (v: Value): void => {
    if (isLambda(v)) for (const name of v.references) out.add(name);
    else if (Array.isArray(v)) v.forEach(add);
  };
  node.args.forEach(add);
  Object.values(node.props).forEach(add);
  for (const calls of Object.values(node.calls)) for (const call of calls) call.forEach(add);
  return out;
}
