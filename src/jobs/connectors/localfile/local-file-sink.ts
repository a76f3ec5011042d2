// LocalFile sink: writes into a temporary file per checkpoint and moves it into place on commit (exactly once).

import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { JsonValue } from '../../config/hocon.ts';
import { boolOption, option, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { optionInvalid } from '../../errors.ts';
import type { Row, TableSchema, Value } from '../../row.ts';
import { formatValue } from '../console/console-sink.ts';
import type { ConnectorContext, Sink, SinkFactory } from '../contract.ts';
import { encodeRow, type FileFormat, parseFormat, suffixOf } from './file-format.ts';

/** `${name}` in a file name expression (built so that linters do not mistake it for a template). */
function placeholder(name: string): string {
  return `$${'{'}${name}}`;
}

interface PendingFile {
  tmp: string;
  target: string;
}

interface OpenFile {
  stream: WriteStream;
  pending: PendingFile;
}

class LocalFileSink implements Sink {
  readonly #dir: string;
  readonly #tmpDir: string;
  readonly #format: FileFormat;
  readonly #delimiter: string;
  readonly #rowDelimiter: string;
  readonly #header: boolean;
  readonly #name: string;
  readonly #jobId: string;
  readonly #partitionBy: string[];
  readonly #partitionExpr: string | undefined;
  readonly #partitionInFile: boolean;
  /** The schema of what goes into the files (without partition fields unless asked for). */
  #fileSchema!: TableSchema;
  #fileColumns: number[] = [];
  #partitionColumns: number[] = [];
  /** Open files of the current checkpoint, by partition directory ('' without partitioning). */
  #open = new Map<string, OpenFile>();
  #seq = 0;
  #fileNo = 0;
  readonly #run = randomBytes(4).toString('hex');

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    const path = requiredStringOption(o, 'path', ctx.pluginName);
    this.#dir = path;
    this.#jobId = ctx.jobId;
    this.#tmpDir = join(stringOption(o, 'tmp_path') ?? join(tmpdir(), 'seatunnel'), ctx.jobId);
    this.#format = parseFormat(stringOption(o, 'file_format_type'), 'csv', ctx.pluginName);
    this.#delimiter = stringOption(o, 'field_delimiter') ?? (this.#format === 'csv' ? ',' : '\u0001');
    this.#rowDelimiter = stringOption(o, 'row_delimiter') ?? '\n';
    this.#header = boolOption(o, 'enable_header_write', false);
    const custom = boolOption(o, 'custom_filename', false);
    const expr = custom ? stringOption(o, 'file_name_expression') : undefined;
    this.#name = expr ?? `T_${placeholder('jobId')}_${placeholder('checkpoint')}`;
    const by = option(o, 'partition_by');
    this.#partitionBy = Array.isArray(by) ? by.map(String) : [];
    if (boolOption(o, 'have_partition', this.#partitionBy.length > 0) && this.#partitionBy.length === 0)
      throw optionInvalid(ctx.pluginName, "have_partition needs 'partition_by'");
    this.#partitionExpr = stringOption(o, 'partition_dir_expression');
    this.#partitionInFile = boolOption(o, 'is_partition_field_write_in_file', false);
  }

  async open(input: TableSchema): Promise<void> {
    const names = input.fields.map((f) => f.name);
    this.#partitionColumns = this.#partitionBy.map((p) => {
      const i = names.indexOf(p);
      if (i < 0) throw optionInvalid('LocalFile', `partition field '${p}' is not in the input`);
      return i;
    });
    this.#fileColumns = names.map((_, i) => i).filter((i) => this.#partitionInFile || !this.#partitionColumns.includes(i));
    this.#fileSchema = { ...input, fields: this.#fileColumns.map((i) => input.fields[i]) };
    await mkdir(this.#dir, { recursive: true });
    await mkdir(this.#tmpDir, { recursive: true });
  }

  /** `${k0}=${v0}/${k1}=${v1}` by default (Hive style); values are made safe for a path. */
  #partitionDir(values: Value[]): string {
    if (this.#partitionColumns.length === 0) return '';
    const safe = (v: Value) => (v === null ? '__NULL__' : formatValue(v).replace(/[/\\\0]/g, '_').replace(/^\.+$/, '_'));
    if (this.#partitionExpr) {
      let dir = this.#partitionExpr;
      this.#partitionColumns.forEach((c, i) => {
        dir = dir.replaceAll(placeholder(`k${i}`), this.#partitionBy[i]).replaceAll(placeholder(`v${i}`), safe(values[c]));
      });
      return dir;
    }
    return this.#partitionColumns.map((c, i) => `${this.#partitionBy[i]}=${safe(values[c])}`).join('/');
  }

  /** Names carry a per-run token so that a resumed run never overwrites what an earlier run committed. */
  #fileName(): string {
    const transaction = `${this.#run}_${this.#seq}`;
    const base = this.#name
      .replaceAll(placeholder('jobId'), this.#jobId)
      .replaceAll(placeholder('transactionId'), `${this.#jobId}_${transaction}`)
      .replaceAll(placeholder('checkpoint'), transaction)
      .replaceAll(placeholder('now'), new Date().toISOString().replace(/[:.]/g, '-'));
    return `${base}${suffixOf(this.#format)}`;
  }

  #fileFor(partition: string): WriteStream {
    const open = this.#open.get(partition);
    if (open) return open.stream;
    const name = this.#fileName();
    const pending = { tmp: join(this.#tmpDir, `${this.#fileNo++}_${name}`), target: join(this.#dir, partition, name) };
    const stream = createWriteStream(pending.tmp, { flags: 'w' });
    if (this.#header && this.#format !== 'json') stream.write(this.#fileSchema.fields.map((f) => f.name).join(this.#delimiter) + this.#rowDelimiter);
    this.#open.set(partition, { stream, pending });
    return stream;
  }

  #encode(values: Value[]): string {
    const v = this.#fileColumns.length === values.length ? values : this.#fileColumns.map((i) => values[i]);
    return encodeRow(v, this.#format, this.#fileSchema, this.#delimiter) + this.#rowDelimiter;
  }

  write(rows: Row[]): void | Promise<void> {
    const texts = new Map<string, string>();
    for (const r of rows) {
      const dir = this.#partitionDir(r.values);
      texts.set(dir, (texts.get(dir) ?? '') + this.#encode(r.values));
    }
    let wait: Promise<void> | undefined;
    for (const [dir, text] of texts) {
      const out = this.#fileFor(dir);
      if (!out.write(text)) wait = new Promise((resolve) => out.once('drain', () => resolve()));
    }
    return wait;
  }

  async #closeStreams(): Promise<PendingFile[]> {
    const files = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(files.map((f) => new Promise<void>((resolve, reject) => f.stream.end((err?: Error | null) => (err ? reject(err) : resolve())))));
    return files.map((f) => f.pending);
  }

  async prepareCommit(): Promise<JsonValue | undefined> {
    if (this.#open.size === 0) return undefined;
    const files = await this.#closeStreams();
    this.#seq++;
    return { files } as unknown as JsonValue;
  }

  async commit(info: JsonValue): Promise<void> {
    const { files } = info as unknown as { files: PendingFile[] };
    for (const p of files) {
      await mkdir(dirname(p.target), { recursive: true });
      try {
        await rename(p.tmp, p.target);
      } catch (err) {
        // Committing again after a restore finds the file already in place: that is success.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (await exists(p.target))) continue;
        throw err;
      }
    }
  }

  async abort(): Promise<void> {
    const files = await this.#closeStreams();
    for (const f of files) await rm(f.tmp, { force: true });
  }

  async close(): Promise<void> {
    await this.abort();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export const localFileSinkFactory: SinkFactory = { kind: 'sink', name: 'LocalFile', create: (ctx) => new LocalFileSink(ctx) };
