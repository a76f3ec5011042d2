// Which class runs which pipeline node kind. Built-ins are registered here; other modules (the
// alert node, UDFs) register their kinds on the same registry from the composition root.

import type { Clock } from '../core/time.ts';
import type { PipelineNode } from '../tick/pipeline.ts';
import { unknownNodeKind } from './errors.ts';
import type { RunNode, TaskRuntime } from './node.ts';
import { ChangeDetectNode } from './nodes/change-detect.ts';
import { DefaultNode } from './nodes/default.ts';
import { DeleteNode } from './nodes/delete.ts';
import { DerivativeNode } from './nodes/derivative.ts';
import { EvalNode } from './nodes/eval.ts';
import { FromNode } from './nodes/from.ts';
import { GroupByNode } from './nodes/group-by.ts';
import { HttpOutNode } from './nodes/http-out.ts';
import { HttpPostNode } from './nodes/http-post.ts';
import { InfluxDBOutNode } from './nodes/influxdb-out.ts';
import { InfluxQLNode } from './nodes/influxql.ts';
import { JoinNode } from './nodes/join.ts';
import { KapacitorLoopbackNode, type LoopbackSink } from './nodes/kapacitor-loopback.ts';
import { LogNode } from './nodes/log.ts';
import { NoOpNode } from './nodes/pass-through.ts';
import { SampleNode } from './nodes/sample.ts';
import { ShiftNode } from './nodes/shift.ts';
import { StateTrackingNode } from './nodes/state-tracking.ts';
import { StreamNode } from './nodes/stream.ts';
import { TrickleNode } from './nodes/trickle.ts';
import { UnionNode } from './nodes/union.ts';
import { WhereNode } from './nodes/where.ts';
import { WindowNode } from './nodes/window.ts';
import { BarrierNode } from './nodes/barrier.ts';
import { FlattenNode } from './nodes/flatten.ts';
import { CombineNode } from './nodes/combine.ts';
import { BatchNode } from './nodes/batch.ts';
import { QueryNode, type QueryStoreResolver, rejectQueryFlux } from './nodes/query.ts';
import type { HttpPoster, PointWriterResolver } from './outputs/point-writer.ts';

/** What the engine lends nodes: outputs, the wall clock and the stores batch queries read. */
export interface TaskServices {
  readonly clock: Clock;
  readonly queryStores: QueryStoreResolver;
  readonly writers: PointWriterResolver;
  readonly loopback: LoopbackSink;
  readonly http: HttpPoster | undefined;
}

export type NodeFactory = (spec: PipelineNode, rt: TaskRuntime, services: TaskServices) => RunNode;

export class NodeRegistry {
  readonly #factories = new Map<string, NodeFactory>();

  register(kind: string, factory: NodeFactory): void {
    this.#factories.set(kind, factory);
  }

  has(kind: string): boolean {
    return this.#factories.has(kind);
  }

  create(spec: PipelineNode, rt: TaskRuntime, services: TaskServices): RunNode {
    const factory = this.#factories.get(spec.influxql ? 'influxql' : spec.kind);
    if (factory === undefined) throw unknownNodeKind(spec.kind);
    return factory(spec, rt, services);
  }
}

/** A registry with every built-in node kind (everything but `alert`, `stats` roots and UDFs). */
export function builtinRegistry(): NodeRegistry {
  const r = new NodeRegistry();
  r.register('stream', (s, rt) => new StreamNode(s, rt));
  r.register('from', (s, rt) => new FromNode(s, rt));
  r.register('where', (s, rt) => new WhereNode(s, rt));
  r.register('eval', (s, rt) => new EvalNode(s, rt));
  r.register('groupBy', (s, rt) => new GroupByNode(s, rt));
  r.register('window', (s, rt) => new WindowNode(s, rt));
  r.register('influxql', (s, rt) => new InfluxQLNode(s, rt));
  r.register('httpOut', (s, rt) => new HttpOutNode(s, rt));
  r.register('httpPost', (s, rt, sv) => new HttpPostNode(s, rt, sv.http));
  r.register('influxDBOut', (s, rt, sv) => new InfluxDBOutNode(s, rt, sv.writers(String(s.props['cluster'] ?? ''))));
  r.register('kapacitorLoopback', (s, rt, sv) => new KapacitorLoopbackNode(s, rt, sv.loopback));
  r.register('log', (s, rt) => new LogNode(s, rt));
  r.register('shift', (s, rt) => new ShiftNode(s, rt));
  r.register('join', (s, rt) => new JoinNode(s, rt));
  r.register('union', (s, rt) => new UnionNode(s, rt));
  r.register('default', (s, rt) => new DefaultNode(s, rt));
  r.register('delete', (s, rt) => new DeleteNode(s, rt));
  r.register('derivative', (s, rt) => new DerivativeNode(s, rt));
  r.register('stateDuration', (s, rt) => new StateTrackingNode(s, rt));
  r.register('stateCount', (s, rt) => new StateTrackingNode(s, rt));
  r.register('changeDetect', (s, rt) => new ChangeDetectNode(s, rt));
  r.register('sample', (s, rt) => new SampleNode(s, rt));
  r.register('noOp', (s, rt) => new NoOpNode(s, rt));
  r.register('barrier', (s, rt) => new BarrierNode(s, rt));
  r.register('flatten', (s, rt) => new FlattenNode(s, rt));
  r.register('combine', (s, rt) => new CombineNode(s, rt));
  r.register('trickle', (s, rt) => new TrickleNode(s, rt));
  r.register('batch', (s, rt) => new BatchNode(s, rt));
  r.register('query', (s, rt, sv) => new QueryNode(s, rt, sv.queryStores, sv.clock.now()));
  r.register('queryFlux', (s) => rejectQueryFlux(s));
  return r;
}

