// LocalFile source: one split per file, resumable from a line offset; tables_configs reads several tables.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { JsonObject, JsonValue } from '../../config/hocon.ts';
import { boolOption, intOption, option, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { parseSchema } from '../../config/schema.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, TableSchema, Value } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';
import { decodeLine, type FileFormat, parseFormat } from './file-format.ts';

const BATCH = 1024;

interface FileOffset {
  path: string;
  /** Data lines (after the header) already emitted. */
  line: number;
  /** The table index (absent for a single-table source, as in checkpoints written before tables). */
  table?: number;
}

/** One table of the source: a path (file or directory tree) read in one format with one schema. */
class FileTable {
  readonly #path: string;
  readonly #format: FileFormat;
  #schema: TableSchema;
  /** Fields of the file itself; partition columns (`k=v` directories) follow them in `#schema`. */
  readonly #fileFields: number;
  #partitionKeys: string[] = [];
  readonly #parsePartitions: boolean;
  readonly #delimiter: string;
  readonly #skip: number;
  readonly #pattern: RegExp | undefined;
  readonly #where: string;

  constructor(o: JsonObject, table: string, where: string) {
    this.#where = where;
    const path = requiredStringOption(o, 'path', where);
    this.#path = path;
    this.#format = parseFormat(stringOption(o, 'file_format_type'), undefined, where);
    const schema = parseSchema(option(o, 'schema'), table, where);
    if (!schema && this.#format !== 'text') throw optionInvalid(where, `option 'schema' is required for ${this.#format}`);
    this.#schema = schema ?? { table, fields: [{ name: 'content', type: { kind: 'string' } }] };
    this.#delimiter = stringOption(o, 'field_delimiter') ?? stringOption(o, 'delimiter') ?? (this.#format === 'csv' ? ',' : '\u0001');
    this.#skip = intOption(o, 'skip_header_row_number', 0, where);
    const pattern = stringOption(o, 'file_filter_pattern');
    this.#pattern = pattern ? new RegExp(pattern) : undefined;
    this.#fileFields = this.#schema.fields.length;
    this.#parsePartitions = boolOption(o, 'parse_partition_from_path', true);
  }

  get schema(): TableSchema {
    return this.#schema;
  }

  /** `k=v` directory segments between the root and a file. */
  #partitionsOf(file: string): [string, string][] {
    if (!this.#parsePartitions) return [];
    const parts = relative(this.#path, file).split(sep).slice(0, -1);
    return parts.filter((p) => /^[^=]+=/.test(p)).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]);
  }

  /** Discovers partition directories, so that their keys become string columns of the schema. */
  async prepare(): Promise<void> {
    const keys = new Set<string>();
    for (const f of await this.files()) for (const [k] of this.#partitionsOf(f)) keys.add(k);
    const own = new Set(this.#schema.fields.map((f) => f.name));
    this.#partitionKeys = [...keys].filter((k) => !own.has(k)).sort();
    this.#schema = { ...this.#schema, fields: [...this.#schema.fields, ...this.#partitionKeys.map((name) => ({ name, type: { kind: 'string' as const }, nullable: true }))] };
  }

  async files(): Promise<string[]> {
    const walk = async (dir: string): Promise<string[]> => {
      const out: string[] = [];
      for (const d of await readdir(dir, { withFileTypes: true })) {
        if (d.name.startsWith('.')) continue;
        const full = join(dir, d.name);
        if (d.isDirectory()) out.push(...(await walk(full)));
        else if (d.isFile() && (!this.#pattern || this.#pattern.test(d.name))) out.push(full);
      }
      return out;
    };
    try {
      const st = await stat(this.#path);
      return st.isDirectory() ? (await walk(this.#path)).sort() : [this.#path];
    } catch (err) {
      throw connectorFailed(this.#where, `cannot read path ${this.#path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  /** A file's data lines (after the skipped header rows). */
  async lines(file: string): Promise<string[]> {
    const text = await readFile(file, 'utf8');
    const lines = text.split(/\r?\n/).slice(this.#skip);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  /** Decodes lines `from` to `to` of `file`, with the file's partition values appended. */
  rows(file: string, lines: string[], from: number, to: number): Row[] {
    const fileSchema = { ...this.#schema, fields: this.#schema.fields.slice(0, this.#fileFields) };
    const raw = this.#format === 'text' && this.#fileFields === 1 && fileSchema.fields[0].name === 'content';
    const found = new Map(this.#partitionsOf(file));
    const extra: Value[] = this.#partitionKeys.map((k) => found.get(k) ?? null);
    const rows: Row[] = [];
    for (let i = from; i < to; i++) {
      const values = raw ? [lines[i]] : decodeLine(lines[i], this.#format, fileSchema, this.#delimiter, this.#where);
      rows.push({ kind: 0, values: extra.length > 0 ? [...values, ...extra] : values });
    }
    return rows;
  }
}

/**
 * One split per file. `tables_configs` makes a multi-table source: each entry is a table with its
 * own `path`, `file_format_type` and `schema` (other options are inherited).
 */
class LocalFileSource implements Source {
  readonly resumable = true;
  readonly #tables: FileTable[];

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    const where = ctx.pluginName;
    const table = ctx.outputTable ?? 'LocalFile';
    const configs = option(o, 'tables_configs');
    if (configs === undefined) this.#tables = [new FileTable(o, table, where)];
    else {
      if (!Array.isArray(configs) || configs.length === 0) throw optionInvalid(where, "'tables_configs' must be a non-empty list");
      const { tables_configs: _, ...inherited } = o;
      this.#tables = configs.map((c, i) => {
        if (c === null || typeof c !== 'object' || Array.isArray(c)) throw optionInvalid(where, `tables_configs[${i}] must be an object`);
        return new FileTable({ ...inherited, ...c }, `${table}_${i}`, `${where}.tables_configs[${i}]`);
      });
    }
  }

  async prepare(): Promise<void> {
    for (const t of this.#tables) await t.prepare();
  }

  schema(): TableSchema {
    return this.#tables[0].schema;
  }

  tables(): TableSchema[] {
    return this.#tables.map((t) => t.schema);
  }

  async splits(): Promise<SourceSplit[]> {
    const multi = this.#tables.length > 1;
    const out: SourceSplit[] = [];
    for (const [t, table] of this.#tables.entries()) {
      for (const f of await table.files()) {
        const offset: FileOffset = { path: f, line: 0 };
        if (multi) offset.table = t;
        out.push({ id: multi ? `${t}:${f}` : f, offset: offset as unknown as JsonValue });
      }
    }
    return out;
  }

  async reader(): Promise<SourceReader> {
    const cache = new Map<string, string[]>();
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as unknown as FileOffset;
        const index = off.table ?? 0;
        const table = this.#tables[index];
        let lines = cache.get(split.id);
        if (!lines) {
          lines = await table.lines(off.path);
          cache.set(split.id, lines);
        }
        if (off.line >= lines.length) {
          cache.delete(split.id);
          return 'end';
        }
        const end = Math.min(lines.length, off.line + BATCH);
        await emit(table.rows(off.path, lines, off.line, end), index);
        off.line = end;
        return end < lines.length ? 'more' : 'end';
      },
      async close() {
        cache.clear();
      },
    };
  }

  async close(): Promise<void> {}
}

export const localFileSourceFactory: SourceFactory = { kind: 'source', name: 'LocalFile', create: (ctx) => new LocalFileSource(ctx) };
