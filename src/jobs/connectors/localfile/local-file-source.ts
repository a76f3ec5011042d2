// LocalFile source: one split per file, resumable from a line offset.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonValue } from '../../config/hocon.ts';
import { intOption, option, stringOption } from '../../config/job-config.ts';
import { parseSchema } from '../../config/schema.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, TableSchema } from '../../row.ts';
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
  readonly #schema: TableSchema;
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
  }

  schema(): TableSchema {
    return this.#schema;
  }

  async splits(): Promise<SourceSplit[]> {
    let files: string[];
    try {
      const st = await stat(this.#path);
      files = st.isDirectory()
        ? (await readdir(this.#path, { withFileTypes: true }))
            .filter((d) => d.isFile() && !d.name.startsWith('.') && (!this.#pattern || this.#pattern.test(d.name)))
            .map((d) => join(this.#path, d.name))
            .sort()
        : [this.#path];
    } catch (err) {
      throw connectorFailed(this.#where, `cannot read path ${this.#path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return files.map((f) => ({ id: f, offset: { path: f, line: 0 } satisfies FileOffset as unknown as JsonValue }));
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
        const rows: Row[] = [];
        for (let i = off.line; i < end; i++) {
          if (this.#format === 'text' && this.#schema.fields.length === 1 && this.#schema.fields[0].name === 'content') {
            rows.push({ kind: 0, values: [lines[i]] });
          } else rows.push({ kind: 0, values: decodeLine(lines[i], this.#format, this.#schema, this.#delimiter, this.#where) });
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
