// The pipeline commands after the search: each takes the rows so far and returns the next rows.

import type { Aggregation, Command, SortKey } from './ast.ts';
import { evaluate, type EvalContext, truthy } from './expr.ts';
import { compileSearch } from './search.ts';
import { type Accumulator, emptyValue, newAccumulator } from './stats.ts';
import { type Row, type Scalar, type Value, compareValues, fieldPatternRegExp, isNull, toText } from './values.ts';

export interface PipelineContext extends EvalContext {
  /** The searched time range, when known (timechart's buckets). */
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
}

export function applyCommand(cmd: Command, rows: Row[], ctx: PipelineContext): Row[] {
  switch (cmd.name) {
    case 'search': {
      const p = compileSearch(cmd.body);
      return rows.filter(p);
    }
    case 'where':
      return rows.filter((row) => truthy(evaluate(cmd.expr, row, ctx)));
    case 'eval':
      for (const row of rows) {
        for (const { field, expr } of cmd.assigns) {
          const v = evaluate(expr, row, ctx);
          if (isNull(v)) delete row[field];
          else row[field] = v;
        }
      }
      return rows;
    case 'stats': {
      const groups = new StatsGroups(cmd.aggs, cmd.by);
      for (const row of rows) groups.addRow(row);
      return groups.rows();
    }
    case 'timechart':
      return timechart(cmd, rows, ctx);
    case 'sort':
      return sortRows(rows, cmd.keys).slice(0, cmd.limit);
    case 'head':
      return rows.slice(0, cmd.count);
    case 'tail':
      return cmd.count === 0 ? [] : rows.slice(-cmd.count);
    case 'table':
      return table(rows, cmd.patterns);
    case 'fields': {
      const res = cmd.patterns.map(fieldPatternRegExp);
      const keep = (k: string) => res.some((re) => re.test(k)) !== cmd.remove;
      return rows.map((row) => {
        const out: Row = {};
        for (const k of Object.keys(row)) if (keep(k)) out[k] = row[k];
        return out;
      });
    }
    case 'rename':
      return rows.map((row) => rename(row, cmd.pairs));
    case 'dedup':
      return dedup(rows, cmd.fields, cmd.count, cmd.sortBy);
    case 'top':
      return top(rows, cmd);
    case 'rex':
      for (const row of rows) rex(row, cmd);
      return rows;
  }
}

/** Stable sort: numbers before strings, nulls last; `-field` descending (nulls still last). */
export function sortRows(rows: Row[], keys: readonly SortKey[]): Row[] {
  return [...rows].sort((a, b) => {
    for (const { field, desc } of keys) {
      const x = a[field];
      const y = b[field];
      const xn = isNull(x);
      const yn = isNull(y);
      if (xn || yn) {
        if (xn !== yn) return xn ? 1 : -1;
        continue;
      }
      const c = compareValues(x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}

function groupKey(values: readonly Value[]): string {
  // One string or number by-value is the common case: skip JSON for it (the prefix keeps 1 and "1" apart).
  if (values.length === 1) {
    const v = values[0];
    if (typeof v === 'string') return `s${v}`;
    if (typeof v === 'number') return `n${v}`;
  }
  return JSON.stringify(values);
}

/** Groups for `stats`: one accumulator per aggregation per distinct by-tuple. */
export class StatsGroups {
  readonly groups = new Map<string, { by: Value[]; accs: Accumulator[] }>();

  constructor(
    readonly aggs: readonly Aggregation[],
    readonly by: readonly string[],
  ) {}

  /** The group for a by-tuple, created on first use. */
  group(byValues: Value[]): Accumulator[] {
    const key = groupKey(byValues);
    let g = this.groups.get(key);
    if (g === undefined) {
      g = { by: byValues, accs: this.aggs.map((a) => newAccumulator(a.fn, a.field)) };
      this.groups.set(key, g);
    }
    return g.accs;
  }

  addRow(row: Row): void {
    const byValues: Value[] = [];
    for (const f of this.by) {
      const v = row[f];
      // Rows without a by-field belong to no group, as in Splunk.
      if (isNull(v)) return;
      byValues.push(v as Value);
    }
    const accs = this.group(byValues);
    const time = typeof row._time === 'number' ? row._time : Number.NaN;
    for (let i = 0; i < this.aggs.length; i++) {
      const field = this.aggs[i].field;
      accs[i].add(field === undefined ? null : row[field], time);
    }
  }

  /** One row per group, sorted by the by-fields; a single all-empty row when there is no `by`. */
  rows(): Row[] {
    if (this.by.length === 0 && this.groups.size === 0) this.group([]);
    const list = [...this.groups.values()];
    list.sort((a, b) => {
      for (let i = 0; i < a.by.length; i++) {
        const c = compareValues(a.by[i], b.by[i]);
        if (c !== 0) return c;
      }
      return 0;
    });
    return list.map(({ by, accs }) => {
      const row: Row = {};
      this.by.forEach((f, i) => {
        row[f] = by[i];
      });
      this.aggs.forEach((a, i) => {
        row[a.as] = accs[i].result();
      });
      return row;
    });
  }
}

/** Default bucket width from the searched range (Splunk's rule of thumb). */
export function defaultSpan(rangeMs: number): number {
  if (rangeMs <= 15 * 60_000) return 10_000;
  if (rangeMs <= 3_600_000) return 60_000;
  if (rangeMs <= 4 * 3_600_000) return 5 * 60_000;
  if (rangeMs <= 24 * 3_600_000) return 30 * 60_000;
  return 86_400_000;
}

function timechart(cmd: Extract<Command, { name: 'timechart' }>, rows: Row[], ctx: PipelineContext): Row[] {
  let lo = ctx.startMs;
  let hi = ctx.endMs;
  if (lo === undefined || hi === undefined) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      const t = row._time;
      if (typeof t !== 'number') continue;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    if (min > max) return [];
    lo ??= min;
    hi ??= max + 1;
  }
  if (hi <= lo) return [];
  const span = cmd.spanMs ?? defaultSpan(hi - lo);
  const first = Math.floor(lo / span) * span;
  const last = Math.floor((hi - 1) / span) * span;
  const bucketCount = (last - first) / span + 1;
  // Per split value: one accumulator per bucket, and how many rows it had (for ranking).
  const series = new Map<string, { value: Value; accs: (Accumulator | undefined)[]; rows: number; order: number }>();
  const { agg } = cmd;
  for (const row of rows) {
    const t = row._time;
    if (typeof t !== 'number' || t < first || t >= last + span) continue;
    let splitValue: Value = agg.as;
    if (cmd.by !== undefined) {
      const v = row[cmd.by];
      if (isNull(v)) continue;
      splitValue = v as Value;
    }
    const key = toText(splitValue) ?? '';
    let s = series.get(key);
    if (s === undefined) {
      s = { value: key, accs: new Array(bucketCount), rows: 0, order: series.size };
      series.set(key, s);
    }
    const b = Math.floor((t - first) / span);
    const acc = (s.accs[b] ??= newAccumulator(agg.fn, agg.field));
    acc.add(agg.field === undefined ? null : row[agg.field], t);
    s.rows++;
  }
  let columns = [...series.values()];
  if (cmd.by === undefined && columns.length === 0) {
    columns = [{ value: agg.as, accs: new Array(bucketCount), rows: 0, order: 0 }];
  }
  columns.sort((a, b) => b.rows - a.rows || compareValues(a.value, b.value));
  if (cmd.by !== undefined && cmd.limit > 0 && columns.length > cmd.limit) {
    const other = { value: 'OTHER' as Value, accs: new Array<Accumulator | undefined>(bucketCount), rows: 0, order: 0 };
    for (const s of columns.slice(cmd.limit)) {
      s.accs.forEach((acc, b) => {
        if (acc === undefined) return;
        if (other.accs[b] === undefined) other.accs[b] = newAccumulator(agg.fn, agg.field);
        other.accs[b]!.merge(acc);
      });
    }
    columns = [...columns.slice(0, cmd.limit), other];
  }
  const out: Row[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const row: Row = { _time: first + b * span };
    for (const s of columns) {
      const acc = s.accs[b];
      row[toText(s.value)!] = acc === undefined ? emptyValue(agg.fn) : acc.result();
    }
    out.push(row);
  }
  return out;
}

function table(rows: Row[], patterns: readonly string[]): Row[] {
  const compiled = patterns.map((p) => (p.includes('*') ? fieldPatternRegExp(p) : p));
  return rows.map((row) => {
    const out: Row = {};
    for (const p of compiled) {
      if (typeof p === 'string') out[p] = row[p] ?? null;
      else for (const k of Object.keys(row)) if (p.test(k) && !(k in out)) out[k] = row[k];
    }
    return out;
  });
}

function rename(row: Row, pairs: readonly { from: string; to: string }[]): Row {
  let current = row;
  for (const { from, to } of pairs) {
    const next: Row = {};
    if (!from.includes('*')) {
      if (!(from in current)) continue;
      for (const k of Object.keys(current)) {
        if (k === from) next[to] = current[k];
        else if (k !== to) next[k] = current[k];
      }
    } else {
      const re = fieldPatternRegExp(from);
      const parts = to.split('*');
      for (const k of Object.keys(current)) {
        const m = re.exec(k);
        if (m === null) {
          if (!(k in next)) next[k] = current[k];
          continue;
        }
        let name = parts[0];
        for (let i = 1; i < parts.length; i++) name += m[i] + parts[i];
        next[name] = current[k];
      }
    }
    current = next;
  }
  return current;
}

function dedup(rows: Row[], fields: readonly string[], count: number, sortBy: readonly SortKey[]): Row[] {
  const seen = new Map<string, number>();
  const out: Row[] = [];
  for (const row of rows) {
    const values: Value[] = [];
    let missing = false;
    for (const f of fields) {
      const v = row[f];
      if (isNull(v)) {
        missing = true;
        break;
      }
      values.push(v as Value);
    }
    if (missing) continue;
    const key = groupKey(values);
    const n = seen.get(key) ?? 0;
    if (n >= count) continue;
    seen.set(key, n + 1);
    out.push(row);
  }
  return sortBy.length > 0 ? sortRows(out, sortBy) : out;
}

function top(rows: Row[], cmd: Extract<Command, { name: 'top' }>): Row[] {
  const groups = new Map<string, { by: Value[]; total: number; values: Map<string, { values: Value[]; count: number }> }>();
  const order: string[] = [];
  for (const row of rows) {
    const by: Value[] = [];
    const vals: Value[] = [];
    let missing = false;
    for (const f of cmd.by) {
      if (isNull(row[f])) missing = true;
      by.push(row[f] ?? null);
    }
    for (const f of cmd.fields) {
      if (isNull(row[f])) missing = true;
      vals.push(row[f] ?? null);
    }
    if (missing) continue;
    const gk = groupKey(by);
    let g = groups.get(gk);
    if (g === undefined) {
      g = { by, total: 0, values: new Map() };
      groups.set(gk, g);
      order.push(gk);
    }
    g.total++;
    const vk = groupKey(vals);
    const entry = g.values.get(vk);
    if (entry === undefined) g.values.set(vk, { values: vals, count: 1 });
    else entry.count++;
  }
  const out: Row[] = [];
  for (const gk of order) {
    const g = groups.get(gk)!;
    // Map iteration is first-appearance order and sort is stable: ties keep that order.
    const ranked = [...g.values.values()].sort((a, b) => b.count - a.count).slice(0, cmd.limit);
    for (const entry of ranked) {
      const row: Row = {};
      cmd.by.forEach((f, i) => {
        row[f] = g.by[i];
      });
      cmd.fields.forEach((f, i) => {
        row[f] = entry.values[i];
      });
      row[cmd.countField] = entry.count;
      if (cmd.showPercent) row[cmd.percentField] = Math.round((entry.count / g.total) * 10_000) / 100;
      out.push(row);
    }
  }
  return out;
}

function rex(row: Row, cmd: Extract<Command, { name: 'rex' }>): void {
  const text = toText(row[cmd.field]);
  if (text === undefined) return;
  if (cmd.sed !== undefined) {
    row[cmd.field] = text.replace(cmd.sed.pattern, cmd.sed.replacement);
    return;
  }
  const found = new Map<string, Scalar[]>();
  let n = 0;
  for (const m of text.matchAll(cmd.regex)) {
    if (n++ >= cmd.maxMatch) break;
    for (const [name, value] of Object.entries(m.groups ?? {})) {
      if (value === undefined) continue;
      const list = found.get(name);
      if (list === undefined) found.set(name, [value]);
      else list.push(value);
    }
    if (m[0] === '') break;
  }
  for (const [name, list] of found) row[name] = cmd.maxMatch === 1 || list.length === 1 ? list[0] : list;
}
