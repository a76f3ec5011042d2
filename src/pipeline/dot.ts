// Graphviz DOT of a task: the static graph, and the executing graph with live stats in both of Kapacitor's views.

import { formatGoDuration } from '../core/time.ts';
import type { RunNode } from './node.ts';

/** Stats shown per node: the common three plus the node's own, keys sorted. */
export function nodeStats(n: RunNode): [string, string][] {
  const stats: Record<string, string> = {
    avg_exec_time_ns: formatGoDuration(Math.round(n.avgExecNs)),
    errors: String(n.errors),
    working_cardinality: String(n.workingCardinality()),
  };
  for (const [k, v] of Object.entries(n.extraStats())) stats[k] = String(v);
  return Object.keys(stats)
    .sort()
    .map((k) => [k, stats[k]]);
}

/** The executing DOT; `labels` selects Kapacitor's label view instead of the attribute view. */
export function executingDot(
  taskId: string,
  nodes: readonly RunNode[],
  throughput: number,
  unit: 'points' | 'batches',
  labels: boolean,
): string {
  const rate = `${throughput.toFixed(2)} ${unit}/s`;
  let out = `digraph ${taskId} {\n`;
  out += labels ? `graph [label="Throughput: ${rate}" forcelabels=true pad="0.8,0.5"];\n` : `graph [throughput="${rate}"];\n`;
  for (const n of nodes) {
    const stats = nodeStats(n);
    if (labels) {
      out += `\n${n.name} [xlabel="${stats.map(([k, v]) => `${k}=${v}`).join('\\r')}"];\n`;
      for (const e of n.outs) out += `${n.name} -> ${e.child.name} [label="processed=${e.collected}"];\n`;
    } else {
      out += `\n${n.name} [${stats.map(([k, v]) => `${k}="${v}" `).join('')}];\n`;
      for (const e of n.outs) out += `${n.name} -> ${e.child.name} [processed="${e.collected}"];\n`;
    }
  }
  return `${out}}`;
}
