// SeaTunnel schema declarations (`schema.fields` / `schema.columns`) and value coercion to their types.

import { optionInvalid } from '../errors.ts';
import type { ConstraintKey, Field, SeaType, TableSchema, Value } from '../row.ts';
import type { JsonObject, JsonValue } from './hocon.ts';

const SIMPLE = new Set(['string', 'boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'date', 'time', 'timestamp', 'bytes', 'null']);
const ALIASES: Record<string, string> = { integer: 'int', long: 'bigint', varchar: 'string', text: 'string', bool: 'boolean', datetime: 'timestamp', byte: 'tinyint' };

/** Parses a type keyword: `int`, `decimal(10,2)`, `array<int>`, `map<string, {a = int}>`, or a row object. */
export function parseType(spec: JsonValue, where: string): SeaType {
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) return { kind: 'row', fields: parseFields(spec, where) };
  if (spec === null) return { kind: 'null' };
  if (typeof spec !== 'string') throw optionInvalid(where, `bad type ${JSON.stringify(spec)}`);
  const p = new TypeText(spec, where);
  const t = p.type();
  p.end();
  return t;
}

class TypeText {
  #i = 0;
  constructor(
    readonly s: string,
    readonly where: string,
  ) {}
  ws(): void {
    while (this.#i < this.s.length && /\s/.test(this.s[this.#i])) this.#i++;
  }
  fail(): never {
    throw optionInvalid(this.where, `bad type '${this.s}'`);
  }
  eat(c: string): boolean {
    this.ws();
    if (this.s[this.#i] === c) {
      this.#i++;
      return true;
    }
    return false;
  }
  expect(c: string): void {
    if (!this.eat(c)) this.fail();
  }
  word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.#i));
    if (!m) this.fail();
    this.#i += m[0].length;
    return m[0];
  }
  int(): number {
    this.ws();
    const m = /^[0-9]+/.exec(this.s.slice(this.#i));
    if (!m) this.fail();
    this.#i += m[0].length;
    return Number(m[0]);
  }
  end(): void {
    this.ws();
    if (this.#i !== this.s.length) this.fail();
  }
  type(): SeaType {
    this.ws();
    if (this.s[this.#i] === '{') {
      // An inline row inside generics: `{a = int, b = string}`.
      this.#i++;
      const fields: Field[] = [];
      while (!this.eat('}')) {
        const name = this.word();
        if (!this.eat('=')) this.expect(':');
        fields.push({ name, type: this.type() });
        this.eat(',');
      }
      return { kind: 'row', fields };
    }
    let w = this.word().toLowerCase();
    w = ALIASES[w] ?? w;
    if (w === 'decimal') {
      this.expect('(');
      const precision = this.int();
      this.expect(',');
      const scale = this.int();
      this.expect(')');
      return { kind: 'decimal', precision, scale };
    }
    if (w === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return { kind: 'array', element };
    }
    if (w === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return { kind: 'map', key, value };
    }
    if (!SIMPLE.has(w)) this.fail();
    return { kind: w } as SeaType;
  }
}

function parseFields(obj: JsonObject, where: string): Field[] {
  return Object.entries(obj).map(([name, t]) => ({ name, type: parseType(t, `${where}.${name}`), nullable: true }));
}

/** Reads a plugin's `schema` option; `table` is the default table path. */
export function parseSchema(option: JsonValue | undefined, table: string, where: string): TableSchema | undefined {
  if (option === undefined || option === null) return undefined;
  if (typeof option !== 'object' || Array.isArray(option)) throw optionInvalid(where, "'schema' must be an object");
  const tablePath = typeof option.table === 'string' ? option.table : table;
  if (option.fields !== undefined) {
    if (typeof option.fields !== 'object' || option.fields === null || Array.isArray(option.fields))
      throw optionInvalid(where, "'schema.fields' must be an object");
    return { table: tablePath, fields: parseFields(option.fields, where) };
  }
  if (Array.isArray(option.columns)) {
    const fields = option.columns.map((c, i): Field => {
      if (c === null || typeof c !== 'object' || Array.isArray(c) || typeof c.name !== 'string')
        throw optionInvalid(where, `schema.columns[${i}] needs a name`);
      const field: Field = { name: c.name, type: parseType(c.type ?? 'string', `${where}.${c.name}`), nullable: c.nullable !== false };
      if (typeof c.columnLength === 'number') field.columnLength = c.columnLength;
      if (c.defaultValue !== undefined) field.defaultValue = coerce(c.defaultValue, field.type, `${where}.${c.name}.defaultValue`);
      if (typeof c.comment === 'string') field.comment = c.comment;
      return field;
    });
    const schema: TableSchema = { table: tablePath, fields };
    const pk = option.primaryKey;
    if (pk && typeof pk === 'object' && !Array.isArray(pk) && Array.isArray(pk.columnNames)) {
      schema.primaryKey = pk.columnNames.map(String);
      if (typeof pk.name === 'string') schema.primaryKeyName = pk.name;
    }
    if (option.constraintKeys !== undefined) schema.constraintKeys = parseConstraintKeys(option.constraintKeys, where);
    return schema;
  }
  throw optionInvalid(where, "'schema' needs 'fields' or 'columns'");
}

const CONSTRAINT_TYPES = ['UNIQUE_KEY', 'INDEX_KEY', 'FOREIGN_KEY'] as const;

/** `schema.constraintKeys = [{constraintName, constraintType, constraintColumns = [{columnName, sortType}]}]`. */
function parseConstraintKeys(list: JsonValue, where: string): ConstraintKey[] {
  if (!Array.isArray(list)) throw optionInvalid(where, "'schema.constraintKeys' must be a list");
  return list.map((k, i) => {
    if (k === null || typeof k !== 'object' || Array.isArray(k) || !Array.isArray(k.constraintColumns))
      throw optionInvalid(where, `schema.constraintKeys[${i}] needs constraintColumns`);
    const type = String(k.constraintType ?? 'UNIQUE_KEY').toUpperCase() as ConstraintKey['type'];
    if (!CONSTRAINT_TYPES.includes(type)) throw optionInvalid(where, `schema.constraintKeys[${i}] has an unknown constraintType '${type}'`);
    const columns = k.constraintColumns.map((c) => {
      const o = c !== null && typeof c === 'object' && !Array.isArray(c) ? c : { columnName: c };
      return { name: String(o.columnName), sort: String(o.sortType ?? 'ASC').toUpperCase() === 'DESC' ? ('DESC' as const) : ('ASC' as const) };
    });
    return { name: String(k.constraintName ?? ''), type, columns };
  });
}

export function typeName(t: SeaType): string {
  switch (t.kind) {
    case 'decimal':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'array':
      return `ARRAY<${typeName(t.element)}>`;
    case 'map':
      return `MAP<${typeName(t.key)}, ${typeName(t.value)}>`;
    case 'row':
      return `ROW<${t.fields.map((f) => `${f.name} ${typeName(f.type)}`).join(', ')}>`;
    default:
      return t.kind.toUpperCase();
  }
}

const INT_RANGE: Record<string, [number, number]> = { tinyint: [-128, 127], smallint: [-32768, 32767], int: [-2147483648, 2147483647] };

/** Converts a config or wire value to the engine's representation of `t`; throws on a mismatch. */
export function coerce(v: unknown, t: SeaType, where: string): Value {
  if (v === null || v === undefined) return null;
  const bad = (): never => {
    throw optionInvalid(where, `value ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))} is not a ${typeName(t)}`);
  };
  switch (t.kind) {
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return bad();
    case 'tinyint':
    case 'smallint':
    case 'int': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
      const [lo, hi] = INT_RANGE[t.kind];
      if (!Number.isInteger(n) || n < lo || n > hi) return bad();
      return n;
    }
    case 'bigint':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
      return bad();
    case 'float':
    case 'double': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (Number.isNaN(n)) return bad();
      return t.kind === 'float' ? Math.fround(n) : n;
    }
    case 'decimal': {
      const s = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
      if (!/^-?\d+(\.\d+)?$/.test(s)) return bad();
      return formatDecimal(s, t.scale);
    }
    case 'date':
    case 'time':
    case 'timestamp':
      if (typeof v !== 'string') return bad();
      return v.trim().replace(' ', 'T');
    case 'bytes':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'string') return new TextEncoder().encode(v);
      return bad();
    case 'null':
      return null;
    case 'array':
      if (!Array.isArray(v)) return bad();
      return v.map((x) => coerce(x, t.element, where));
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) return bad();
      const out: { [k: string]: Value } = {};
      for (const [k, x] of Object.entries(v as object)) out[k] = coerce(x, t.value, where);
      return out;
    }
    case 'row': {
      const out: { [k: string]: Value } = {};
      if (Array.isArray(v)) t.fields.forEach((f, i) => {
        out[f.name] = coerce(v[i], f.type, where);
      });
      else if (typeof v === 'object') for (const f of t.fields) out[f.name] = coerce((v as Record<string, unknown>)[f.name], f.type, where);
      else return bad();
      return out;
    }
  }
}

/** Pads or rounds a decimal string to `scale` digits (half up), exactly, without floating point. */
export function formatDecimal(s: string, scale: number): string {
  const neg = s.startsWith('-');
  const [ip, fp = ''] = (neg ? s.slice(1) : s).split('.');
  if (fp.length <= scale) return `${neg ? '-' : ''}${ip}${scale > 0 ? `.${fp.padEnd(scale, '0')}` : ''}`;
  let digits = BigInt(ip + fp.slice(0, scale));
  if (Number(fp[scale]) >= 5) digits += 1n;
  let text = digits.toString().padStart(scale + 1, '0');
  text = scale > 0 ? `${text.slice(0, -scale)}.${text.slice(-scale)}` : text;
  return `${neg && digits !== 0n ? '-' : ''}${text}`;
}
