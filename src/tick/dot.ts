// DOT rendering of a task's pipeline: Kapacitor's static graph, and the executing graph with node and edge stats.

import { formatGoDuration } from '../core/time.ts';
import type { Pipeline, PipelineNode } from './pipeline.ts';

/** Per-node counters as the engine reports them. `avg_exec_time_ns` is in nanoseconds (printed as a Go duration). */
export type NodeStats = Readonly<Record<string, number>>;

export interface ExecutionStats {
  /** Points (or batches) per second at the source. */
  readonly throughput: number;
  /** Stats by node name (`from1`). Nodes without an entry print no stats. */
  readonly nodes: ReadonlyMap<string, NodeStats>;
  /** Points collected on an edge, keyed `parent->child` by node names. Missing edges print 0. */
  readonly edges: ReadonlyMap<string, number>;
}

export interface DotOptions {
  /** When given, render the executing view (Kapacitor's EDot) instead of the static one. */
  readonly stats?: ExecutionStats;
  /** `attributes` (default) or `labels`, as the tasks API `dot-view` parameter. */
  readonly view?: 'attributes' | 'labels';
}

/** Renders `digraph <taskId> {...}` exactly as Kapacitor prints it (no trailing newline). */
export function renderDot(taskId: string, pipeline: Pipeline, options: DotOptions = {}): string {
  const out: string[] = [`digraph ${taskId} {\n`];
  if (!options.stats) {
    for (const n of pipeline.nodes) {
      if (n.kind === 'batch') continue;
      for (const c of n.children) out.push(`${n.name} -> ${c.name};\n`);
    }
    out.push('}');
    return out.join('');
  }
  const stats = options.stats;
  const labels = options.view === 'labels';
  const unit = pipeline.type === 'batch' ? 'batches' : 'points';
  const tp = stats.throughput.toFixed(2);
  out.push(
    labels ? `graph [label="Throughput: ${tp} ${unit}/s" forcelabels=true pad="0.8,0.5"];\n` : `graph [throughput="${tp} ${unit}/s"];\n`,
  );
  const order = new Map<PipelineNode, number>();
  for (const [i, n] of pipeline.nodes.entries()) order.set(n, i);
  for (const n of pipeline.nodes) {
    const entries = Object.entries(stats.nodes.get(n.name) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const text = entries.map(([k, v]) => [k, k === 'avg_exec_time_ns' ? formatGoDuration(v) : String(Math.trunc(v))]);
    if (labels) out.push(`\n${n.name} [xlabel="${text.map(([k, v]) => `${k}=${v}`).join('\\r')}"];\n`);
    else out.push(`\n${n.name} [${text.map(([k, v]) => `${k}="${v}" `).join('')}];\n`);
    // The executing graph links children in the order the engine created them: topological order.
    const children = [...n.children].sort((a, b) => order.get(a)! - order.get(b)!);
    for (const c of children) {
      const processed = stats.edges.get(`${n.name}->${c.name}`) ?? 0;
      out.push(labels ? `${n.name} -> ${c.name} [label="processed=${processed}"];\n` : `${n.name} -> ${c.name} [processed="${processed}"];\n`);
    }
  }
  out.push('}');
  return out.join('');
}
