// Suggestions for the usual TICKscript mistakes (Kapacitor issue corpus §8): attached to errors, never part of their text.

/** Levenshtein distance, small inputs only. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest known name, if it is close enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Where the usual properties live, for "property called on the wrong node". */
const PROPERTY_HOME: Record<string, string> = {
  where: "from() (`.where(lambda: ...)`) or as its own node `|where(lambda: ...)`",
  measurement: 'from() (stream tasks) or influxDBOut()',
  database: 'from(), influxDBOut() or kapacitorLoopback()',
  retentionPolicy: 'from(), influxDBOut() or kapacitorLoopback()',
  period: 'window(), query() or barrier()',
  every: 'window() or query()',
  groupBy: 'from() or query() (`.groupBy(...)`), or as a node `|groupBy(...)`',
  crit: 'alert()',
  warn: 'alert()',
  info: 'alert()',
  message: 'alert()',
  id: 'alert()',
  stateChangesOnly: 'alert()',
  as: 'eval(), join(), combine(), derivative(), stateDuration(), stateCount() and the InfluxQL functions (mean, count ...)',
  keep: 'eval()',
  tag: 'influxDBOut(), kapacitorLoopback(), default(), delete() or sideload()',
  align: 'window(), query() or stats()',
  tolerance: 'join(), flatten() or combine()',
  unit: 'derivative() or stateDuration()',
};

export function hintForUnknownName(name: string, candidates: readonly string[], nodeKind?: string): string | undefined {
  const near = closest(name, candidates);
  if (near && near !== name) return `did you mean "${near}"?`;
  const home = PROPERTY_HOME[name];
  if (home && nodeKind) return `"${name}" is not a property of ${nodeKind}(); it belongs to ${home}`;
  return undefined;
}

export function hintForWrongOperator(name: string, op: '.' | '|'): string {
  return op === '.'
    ? `"${name}" sets a property of the current node: write .${name}(...) on its own line under the node, not |${name}(...)`
    : `"${name}" creates a new node: write |${name}(...), not .${name}(...)`;
}

/** A lambda that compares or combines a single-quoted string with a number almost always meant a field. */
export function hintForStringLiteralOperand(literal: string): string {
  return `'${literal}' is a string literal; to read the field or tag write "${literal}" (double quotes)`;
}
