// Projection pushdown: which fields a task can ever read from the points of one from() node, so
// that from() decodes only those. Each node kind says what it reads and whether it passes points
// on with their fields; anything not known to be narrower reads every field.

import { isLambda, type PipelineNode, type Value } from '../tick/pipeline.ts';
import { emitsOnlyItsResult } from './nodes/influxql.ts';

/** The field names a subtree may read, or `'all'`. */
export type FieldNeeds = ReadonlySet<string> | 'all';

/** Nodes that hand every point on with its fields unchanged (and read none but their lambdas' references). */
const PASS_THROUGH = new Set(['where', 'groupBy', 'window', 'shift', 'sample', 'barrier', 'noOp']);

/** Pass-through nodes that hand on the very point object they receive, one point at a time. */
const SAME_POINT = new Set(['where', 'groupBy', 'sample', 'barrier', 'noOp']);

/**
 * What a from() node decodes as points pass. httpOut leaves that only same-point nodes separate
 * from it keep just the latest point of each group, so they are set apart: they read every field
 * of that point once a write has been delivered, instead of having every point decoded whole.
 */
export interface FromFieldNeeds {
  /** The fields read as points pass (the leaves in `latestOnly` not counted). */
  readonly needs: FieldNeeds;
  /** Those httpOut leaves; empty when `needs` is 'all', since the points then carry every field anyway. */
  readonly latestOnly: readonly PipelineNode[];
}

/** What a from() node and everything below it may read. */
export function fieldsReadFrom(from: PipelineNode): FromFieldNeeds {
  const latestOnly: PipelineNode[] = [];
  const needs = withReferences(from, fieldsNeededBelow(from, latestOnly));
  return needs === 'all' ? { needs, latestOnly: [] } : { needs, latestOnly };
}

/**
 * What the children of `node` may read from the points it emits. With `latestOnly`, httpOut leaves
 * reached through same-point nodes read nothing as points pass and are collected there instead.
 */
function fieldsNeededBelow(node: PipelineNode, latestOnly: PipelineNode[] | undefined): FieldNeeds {
  const needs = new Set<string>();
  for (const child of node.children) {
    const own = needsOf(child, latestOnly);
    if (own === 'all') return 'all';
    for (const name of own) needs.add(name);
  }
  return needs;
}

/** The fields `node` reads from the points it receives, including what it passes on. */
function needsOf(node: PipelineNode, latestOnly: PipelineNode[] | undefined): FieldNeeds {
  if (latestOnly !== undefined && node.kind === 'httpOut' && node.children.length === 0) {
    latestOnly.push(node);
    return new Set();
  }
  if (PASS_THROUGH.has(node.kind)) return withReferences(node, fieldsNeededBelow(node, SAME_POINT.has(node.kind) ? latestOnly : undefined));
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
