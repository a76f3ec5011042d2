// FakeSource: generated or explicit rows, split per parallelism, resumable from a row offset.

import type { JsonObject, JsonValue } from '../../config/hocon.ts';
import { intOption, option } from '../../config/job-config.ts';
import { coerce, parseSchema } from '../../config/schema.ts';
import { optionInvalid } from '../../errors.ts';
import { parseRowKind, type Row, type RowKindValue, type SeaType, type TableSchema, type Value } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';

const BATCH = 1024;

/** A small, fast, seedable generator (mulberry32): deterministic so that resumed splits continue exactly. */
class Random {
  constructor(public state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface GenOptions {
  stringLength: number;
  bytesLength: number;
  arraySize: number;
  mapSize: number;
  bounds: Record<string, { min: number; max: number; template?: JsonValue[] }>;
}

const DEFAULT_BOUNDS: Record<string, [number, number]> = {
  tinyint: [0, 127],
  smallint: [0, 32767],
  int: [0, 2147483647],
  bigint: [0, 2147483647],
  float: [0, 3.4e38],
  double: [0, 1.7e308],
};

function genOptions(o: JsonObject, where: string): GenOptions {
  const bounds: GenOptions['bounds'] = {};
  for (const t of ['tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'string']) {
    const [dmin, dmax] = DEFAULT_BOUNDS[t] ?? [0, 0];
    const min = Number(option(o, `${t}.min`) ?? dmin);
    const max = Number(option(o, `${t}.max`) ?? dmax);
    if (!(min <= max)) throw optionInvalid(where, `${t}.min must not exceed ${t}.max`);
    const mode = String(option(o, `${t}.fake.mode`) ?? 'range').toLowerCase();
    const template = option(o, `${t}.template`);
    bounds[t] = { min, max, template: mode === 'template' && Array.isArray(template) ? template : undefined };
  }
  return {
    stringLength: intOption(o, 'string.length', 5, where),
    bytesLength: intOption(o, 'bytes.length', 5, where),
    arraySize: intOption(o, 'array.size', 5, where),
    mapSize: intOption(o, 'map.size', 5, where),
    bounds,
  };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function generate(t: SeaType, r: Random, g: GenOptions): Value {
  const b = g.bounds[t.kind];
  if (b?.template) return b.template[r.int(0, b.template.length - 1)] as Value;
  switch (t.kind) {
    case 'string': {
      let s = '';
      for (let i = 0; i < g.stringLength; i++) s += LETTERS[(r.next() * 52) | 0];
      return s;
    }
    case 'boolean':
      return r.next() < 0.5;
    case 'tinyint':
    case 'smallint':
    case 'int':
      return r.int(b.min, b.max);
    case 'bigint':
      return BigInt(r.int(b.min, b.max));
    case 'float':
      return Math.fround(b.min + r.next() * (b.max - b.min));
    case 'double':
      return b.min + r.next() * (b.max - b.min);
    case 'decimal': {
      const whole = r.int(0, 10 ** Math.min(t.precision - t.scale, 9) - 1);
      const frac = t.scale > 0 ? `.${String(r.int(0, 10 ** Math.min(t.scale, 9) - 1)).padStart(t.scale, '0')}` : '';
      return `${whole}${frac}`;
    }
    case 'date':
      return `20${pad2(r.int(0, 30))}-${pad2(r.int(1, 12))}-${pad2(r.int(1, 28))}`;
    case 'time':
      return `${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}:${pad2(r.int(0, 59))}`;
    case 'timestamp':
      return `20${pad2(r.int(0, 30))}-${pad2(r.int(1, 12))}-${pad2(r.int(1, 28))}T${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}:${pad2(r.int(0, 59))}`;
    case 'bytes': {
      const out = new Uint8Array(g.bytesLength);
      for (let i = 0; i < out.length; i++) out[i] = r.int(0, 255);
      return out;
    }
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: g.arraySize }, () => generate(t.element, r, g));
    case 'map': {
      const out: { [k: string]: Value } = {};
      for (let i = 0; i < g.mapSize; i++) out[String(generate(t.key, r, g))] = generate(t.value, r, g);
      return out;
    }
    case 'row': {
      const out: { [k: string]: Value } = {};
      for (const f of t.fields) out[f.name] = generate(f.type, r, g);
      return out;
    }
  }
}

/**
 * One generator per column, chosen once: the hot loop then calls a closure instead of switching on
 * the type and looking up bounds for every value. Same random sequence as `generate`.
 */
function columnGenerator(t: SeaType, g: GenOptions): (r: Random) => Value {
  const b = g.bounds[t.kind];
  if (b?.template) return (r) => generate(t, r, g);
  switch (t.kind) {
    case 'string': {
      const n = g.stringLength;
      return (r) => {
        let s = '';
        for (let i = 0; i < n; i++) s += LETTERS[(r.next() * 52) | 0];
        return s;
      };
    }
    case 'tinyint':
    case 'smallint':
    case 'int': {
      const lo = b.min;
      const span = b.max - b.min + 1;
      return (r) => lo + Math.floor(r.next() * span);
    }
    default:
      return (r) => generate(t, r, g);
  }
}

function explicitRows(rows: JsonValue, schema: TableSchema, where: string): Row[] {
  if (!Array.isArray(rows)) throw optionInvalid(where, "'rows' must be a list");
  return rows.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !Array.isArray(item.fields))
      throw optionInvalid(where, `rows[${i}] needs 'fields'`);
    const kind = parseRowKind(String(item.kind ?? 'INSERT'));
    if (kind === undefined) throw optionInvalid(where, `rows[${i}] has an unknown kind '${String(item.kind)}'`);
    if (item.fields.length !== schema.fields.length)
      throw optionInvalid(where, `rows[${i}] has ${item.fields.length} fields, the schema has ${schema.fields.length}`);
    return { kind: kind as RowKindValue, values: item.fields.map((v, k) => coerce(v, schema.fields[k].type, `${where}.rows[${i}]`)) };
  });
}

/** One table a FakeSource produces: its schema, explicit rows or a row count to generate, and its splits per reader. */
interface FakeTable {
  schema: TableSchema;
  rows: Row[] | undefined;
  rowNum: number;
  splitNum: number;
  columns: ((r: Random) => Value)[];
}

function fakeTable(o: JsonObject, table: string, where: string): FakeTable {
  const schema = parseSchema(option(o, 'schema'), table, where);
  if (!schema) throw optionInvalid(where, "option 'schema' is required");
  const rows = option(o, 'rows');
  const gen = genOptions(o, where);
  return {
    schema,
    rows: rows === undefined ? undefined : explicitRows(rows, schema, where),
    rowNum: intOption(o, 'row.num', 5, where),
    splitNum: Math.max(1, intOption(o, 'split.num', 1, where)),
    columns: schema.fields.map((f) => columnGenerator(f.type, gen)),
  };
}

/**
 * The tables of a FakeSource: `tables_configs` (each entry its own schema, rows and row.num, other
 * options inherited), `table-names` (one shared schema under each name), or the single `schema`.
 */
function fakeTables(o: JsonObject, defaultTable: string, where: string): FakeTable[] {
  const configs = option(o, 'tables_configs');
  if (configs !== undefined) {
    if (!Array.isArray(configs) || configs.length === 0) throw optionInvalid(where, "'tables_configs' must be a non-empty list");
    const { tables_configs: _, ...inherited } = o;
    return configs.map((c, i) => {
      if (c === null || typeof c !== 'object' || Array.isArray(c)) throw optionInvalid(where, `tables_configs[${i}] must be an object`);
      return fakeTable({ ...inherited, ...c }, defaultTable, `${where}.tables_configs[${i}]`);
    });
  }
  const names = option(o, 'table-names');
  if (names !== undefined) {
    if (!Array.isArray(names) || names.length === 0) throw optionInvalid(where, "'table-names' must be a non-empty list");
    const shared = fakeTable(o, defaultTable, where);
    return names.map((n) => ({ ...shared, schema: { ...shared.schema, table: String(n) } }));
  }
  return [fakeTable(o, defaultTable, where)];
}

interface FakeOffset {
  /** Rows of this split already emitted. */
  emitted: number;
  /** Rows this split emits in total. */
  total: number;
  /** The generator state after the last emitted row, so a resumed split continues the same sequence. */
  seed: number;
  /** The table index (absent for a single-table source, as in checkpoints written before tables). */
  table?: number;
  /** Where this split's share of explicit `rows` starts (absent means 0). */
  start?: number;
}

class FakeSource implements Source {
  readonly resumable = true;
  readonly #tables: FakeTable[];
  readonly #interval: number;
  readonly #streaming: boolean;

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    const where = ctx.pluginName;
    this.#tables = fakeTables(o, ctx.outputTable ?? 'fake', where);
    this.#interval = intOption(o, 'split.read-interval', 0, where);
    this.#streaming = ctx.mode === 'STREAMING';
  }

  schema(): TableSchema {
    return this.#tables[0].schema;
  }

  tables(): TableSchema[] {
    return this.#tables.map((t) => t.schema);
  }

  async splits(parallelism: number): Promise<SourceSplit[]> {
    const out: SourceSplit[] = [];
    const multi = this.#tables.length > 1;
    for (const [t, table] of this.#tables.entries()) {
      const perReader = table.rows ? table.rows.length : table.rowNum;
      for (let p = 0; p < parallelism; p++) {
        let start = 0;
        for (let s = 0; s < table.splitNum; s++) {
          // Rows per parallelism are divided across its splits; the first splits take the remainder.
          const total = Math.floor(perReader / table.splitNum) + (s < perReader % table.splitNum ? 1 : 0);
          const offset: FakeOffset = { emitted: 0, total, seed: (p * 7919 + s * 104729 + t * 15485863 + 1) | 0 };
          if (multi) offset.table = t;
          if (start > 0) offset.start = start;
          start += total;
          out.push({ id: multi ? `fake-${t}-${p}-${s}` : `fake-${p}-${s}`, offset: offset as unknown as JsonValue });
        }
      }
    }
    return out;
  }

  async reader(): Promise<SourceReader> {
    const tables = this.#tables;
    const streaming = this.#streaming;
    const interval = this.#interval;
    return {
      async read(split, emit): Promise<ReadStatus> {
        const off = split.offset as unknown as FakeOffset;
        if (off.emitted >= off.total) return streaming ? 'idle' : 'end';
        if (interval > 0) await new Promise((r) => setTimeout(r, interval));
        const index = off.table ?? 0;
        const { rows: explicit, columns } = tables[index];
        const n = Math.min(BATCH, off.total - off.emitted);
        const rows: Row[] = new Array(n);
        if (explicit) {
          for (let i = 0; i < n; i++) {
            const src = explicit[(off.start ?? 0) + off.emitted + i];
            rows[i] = { kind: src.kind, values: src.values.slice() };
          }
        } else {
          const r = new Random(off.seed);
          const width = columns.length;
          for (let i = 0; i < n; i++) {
            const values: Value[] = new Array(width);
            for (let k = 0; k < width; k++) values[k] = columns[k](r);
            rows[i] = { kind: 0, values };
          }
          off.seed = r.state;
        }
        await emit(rows, index);
        off.emitted += n;
        if (off.emitted < off.total) return 'more';
        return streaming ? 'idle' : 'end';
      },
      async close() {},
    };
  }

  async close(): Promise<void> {}
}

export const fakeSourceFactory: SourceFactory = {
  kind: 'source',
  name: 'FakeSource',
  create: (ctx) => new FakeSource(ctx),
};
