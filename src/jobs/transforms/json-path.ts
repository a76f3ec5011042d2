// JsonPath transform: extracts JSONPath values from a JSON text (or row/map) column into new typed columns.

import { option, stringOption } from '../config/job-config.ts';
import { coerce, parseType } from '../config/schema.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid, sqlEval } from '../errors.ts';
import type { Row, SeaType, TableSchema, Value } from '../row.ts';

type Step = { key: string } | { index: number } | { all: true };

/** Parses `$.a.b[0]['c'][*]`. */
export function parseJsonPath(path: string, where: string): Step[] {
  if (!path.startsWith('$')) throw optionInvalid(where, `JSONPath '${path}' must start with '$'`);
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) throw optionInvalid(where, `bad JSONPath '${path}'`);
      steps.push(m[0] === '*' ? { all: true } : { key: m[0] });
      i += 1 + m[0].length;
    } else if (path[i] === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) throw optionInvalid(where, `bad JSONPath '${path}'`);
      const inner = path.slice(i + 1, end).trim();
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ key: inner.slice(1, -1) });
      else throw optionInvalid(where, `bad JSONPath '${path}'`);
      i = end + 1;
    } else throw optionInvalid(where, `bad JSONPath '${path}'`);
  }
  return steps;
}

export function evalJsonPath(doc: unknown, steps: Step[]): unknown {
  let cur: unknown = doc;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s];
    if (cur === null || cur === undefined) return undefined;
    if ('all' in step) {
      const items = Array.isArray(cur) ? cur : typeof cur === 'object' ? Object.values(cur as object) : [];
      return items.map((x) => evalJsonPath(x, steps.slice(s + 1))).filter((x) => x !== undefined);
    }
    if ('index' in step) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step.index < 0 ? cur.length + step.index : step.index];
    } else {
      if (typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[step.key];
    }
  }
  return cur;
}

/** Rows are addressed by position in JSONPath (SeaTunnel turns a row into a JSON array); maps stay objects. */
function toPathDocument(v: Value, t: SeaType): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (t.kind === 'row' && !Array.isArray(v)) return t.fields.map((f) => toPathDocument((v as Record<string, Value>)[f.name] ?? null, f.type));
  if (t.kind === 'array' && Array.isArray(v)) return v.map((x) => toPathDocument(x, t.element));
  if (t.kind === 'map' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPathDocument(x, t.value)]));
  return v;
}

interface Column {
  src: string;
  steps: Step[];
  dest: string;
  type: SeaType;
  /** FAIL the job, SKIP (leave the column null) or SKIP_ROW. */
  onError: 'FAIL' | 'SKIP' | 'SKIP_ROW';
  srcIndex: number;
  srcType: SeaType;
}

class JsonPath implements Transform {
  readonly #columns: Column[];
  readonly #skipRow: boolean;
  readonly #where: string;

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const cols = option(ctx.options, 'columns');
    if (!Array.isArray(cols) || cols.length === 0) throw optionInvalid(this.#where, "option 'columns' is required");
    this.#skipRow = (stringOption(ctx.options, 'row_error_handle_way') ?? 'FAIL').toUpperCase() === 'SKIP';
    this.#columns = cols.map((c, i) => {
      if (c === null || typeof c !== 'object' || Array.isArray(c)) throw optionInvalid(this.#where, `columns[${i}] must be an object`);
      const src = c.src_field;
      const path = c.path;
      const dest = c.dest_field;
      if (typeof src !== 'string' || typeof path !== 'string' || typeof dest !== 'string')
        throw optionInvalid(this.#where, `columns[${i}] needs src_field, path and dest_field`);
      const way = String(c.column_error_handle_way ?? (this.#skipRow ? 'SKIP_ROW' : 'FAIL')).toUpperCase();
      if (way !== 'FAIL' && way !== 'SKIP' && way !== 'SKIP_ROW') throw optionInvalid(this.#where, `unknown column_error_handle_way '${way}'`);
      return {
        src,
        steps: parseJsonPath(path, this.#where),
        dest,
        type: parseType(c.dest_type ?? 'string', this.#where),
        onError: way,
        srcIndex: -1,
        srcType: { kind: 'string' },
      };
    });
  }

  open(input: TableSchema): TableSchema {
    const names = input.fields.map((f) => f.name);
    for (const c of this.#columns) {
      c.srcIndex = names.indexOf(c.src);
      if (c.srcIndex < 0) throw optionInvalid(this.#where, `field '${c.src}' is not in the input`);
      c.srcType = input.fields[c.srcIndex].type;
    }
    const added = this.#columns.filter((c) => !names.includes(c.dest)).map((c) => ({ name: c.dest, type: c.type, nullable: true }));
    this.#destIndex = this.#columns.map((c) => (names.includes(c.dest) ? names.indexOf(c.dest) : names.length + added.findIndex((a) => a.name === c.dest)));
    this.#width = names.length + added.length;
    return { ...input, fields: [...input.fields, ...added] };
  }

  #destIndex: number[] = [];
  #width = 0;

  map(rows: Row[]): Row[] {
    const out: Row[] = [];
    next: for (const r of rows) {
      const values: Value[] = r.values.slice();
      values.length = this.#width;
      for (let i = r.values.length; i < this.#width; i++) values[i] = null;
      for (let k = 0; k < this.#columns.length; k++) {
        const c = this.#columns[k];
        try {
          const raw = r.values[c.srcIndex];
          const doc = typeof raw === 'string' ? JSON.parse(raw) : toPathDocument(raw, c.srcType);
          const found = evalJsonPath(doc, c.steps);
          values[this.#destIndex[k]] = found === undefined ? null : coerce(c.type.kind === 'string' && typeof found === 'object' ? JSON.stringify(found) : found, c.type, this.#where);
        } catch (err) {
          if (c.onError === 'SKIP') continue;
          if (c.onError === 'SKIP_ROW') continue next;
          throw sqlEval(`JsonPath ${c.src} -> ${c.dest}: ${(err as Error).message}`);
        }
      }
      out.push({ kind: r.kind, values });
    }
    return out;
  }
}

export const jsonPathFactory: TransformFactory = { kind: 'transform', name: 'JsonPath', create: (ctx) => new JsonPath(ctx) };
