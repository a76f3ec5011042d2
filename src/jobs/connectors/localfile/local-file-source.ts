// LocalFile source: one split per file, resumable from a line offset.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { JsonValue } from '../../config/hocon.ts';
import { boolOption, intOption, option, stringOption } from '../../config/job-config.ts';
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
}

class LocalFileSource implements Source {
  readonly resumable = true;
  readonly #path: string;
  readonly #format: FileFormat;
  #schema: TableSchema;
  /** Fields of the file itself; partition columns (`k=v` directories) follow them in `#schema`. */
  #fileFields = 0;
  #partitionKeys: string[] = [];
  readonly #parsePartitions: boolean;
  readonly #delimiter: string;
  readonly #skip: number;
  readonly #pattern: RegExp | undefined;
  readonly #where: string;

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    this.#where = ctx.pluginName;
    const path = stringOption(o, 'path');
    if (!path) throw optionInvalid(this.#where, "option 'path' is required");
    this.#path = path;
    this.#format = parseFormat(stringOption(o, 'file_format_type'), undefined, this.#where);
    const table = ctx.outputTable ?? 'LocalFile';
    const schema = parseSchema(option(o, 'schema'), table, this.#where);
    if (!schema && this.#format !== 'text') throw optionInvalid(this.#where, `option 'schema' is required for ${this.#format}`);
    this.#schema = schema ?? { table, fields: [{ name: 'content', type: { kind: 'string' } }] };
    this.#delimiter = stringOption(o, 'field_delimiter') ?? stringOption(o, 'delimiter') ?? (this.#format === 'csv' ? ',' : '\u0001');
    this.#skip = intOption(o, 'skip_header_row_number', 0, this.#where);
    const pattern = stringOption(o, 'file_filter_pattern');
    this.#pattern = pattern ? new RegExp(pattern) : undefined;
    this.#fileFields = this.#schema.fields.length;
    this.#parsePartitions = boolOption(o, 'parse_partition_from_path', true);
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
    for (const f of await this.#files()) for (const [k] of this.#partitionsOf(f)) keys.add(k);
    const own = new Set(this.#schema.fields.map((f) => f.name));
    this.#partitionKeys = [...keys].filter((k) => !own.has(k)).sort();
    this.#schema = { ...this.#schema, fields: [...this.#schema.fields, ...this.#partitionKeys.map((name) => ({ name, type: { kind: 'string' as const }, nullable: true }))] };
  }

  schema(): TableSchema {
    return this.#schema;
  }

  async #files(): Promise<string[]> {
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

  async splits(): Promise<SourceSplit[]> {
    return (await this.#files()).map((f) => ({ id: f, offset: { path: f, line: 0 } satisfies FileOffset as unknown as JsonValue }));
  }

  async reader(): Promise<SourceReader> {
    const cache = new Map<string, string[]>();
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as unknown as FileOffset;
        let lines = cache.get(off.path);
        if (!lines) {
          const text = await readFile(off.path, 'utf8');
          lines = text.split(/\r?\n/).slice(this.#skip);
          if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
          cache.set(off.path, lines);
        }
        if (off.line >= lines.length) {
          cache.delete(off.path);
          return 'end';
        }
        const end = Math.min(lines.length, off.line + BATCH);
        const fileSchema = { ...this.#schema, fields: this.#schema.fields.slice(0, this.#fileFields) };
        const raw = this.#format === 'text' && this.#fileFields === 1 && fileSchema.fields[0].name === 'content';
        const found = new Map(this.#partitionsOf(off.path));
        const extra: Value[] = this.#partitionKeys.map((k) => found.get(k) ?? null);
        const rows: Row[] = [];
        for (let i = off.line; i < end; i++) {
          const values = raw ? [lines[i]] : decodeLine(lines[i], this.#format, fileSchema, this.#delimiter, this.#where);
          rows.push({ kind: 0, values: extra.length > 0 ? [...values, ...extra] : values });
        }
        await emit(rows);
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
