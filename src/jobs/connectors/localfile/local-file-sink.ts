// LocalFile sink: writes into a temporary file per checkpoint and moves it into place on commit (exactly once).

import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { JsonValue } from '../../config/hocon.ts';
import { boolOption, stringOption } from '../../config/job-config.ts';
import { optionInvalid } from '../../errors.ts';
import type { Row, TableSchema } from '../../row.ts';
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

class LocalFileSink implements Sink {
  readonly #dir: string;
  readonly #tmpDir: string;
  readonly #format: FileFormat;
  readonly #delimiter: string;
  readonly #rowDelimiter: string;
  readonly #header: boolean;
  readonly #name: string;
  readonly #jobId: string;
  #schema!: TableSchema;
  #stream: WriteStream | undefined;
  #current: PendingFile | undefined;
  #seq = 0;
  readonly #run = randomBytes(4).toString('hex');

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    const path = stringOption(o, 'path');
    if (!path) throw optionInvalid(ctx.pluginName, "option 'path' is required");
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
  }

  async open(input: TableSchema): Promise<void> {
    this.#schema = input;
    await mkdir(this.#dir, { recursive: true });
    await mkdir(this.#tmpDir, { recursive: true });
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

  #openFile(): WriteStream {
    if (this.#stream) return this.#stream;
    const name = this.#fileName();
    this.#current = { tmp: join(this.#tmpDir, name), target: join(this.#dir, name) };
    this.#stream = createWriteStream(this.#current.tmp, { flags: 'w' });
    if (this.#header && this.#format !== 'json') this.#stream.write(this.#schema.fields.map((f) => f.name).join(this.#delimiter) + this.#rowDelimiter);
    return this.#stream;
  }

  write(rows: Row[]): void | Promise<void> {
    const out = this.#openFile();
    let text = '';
    for (const r of rows) text += encodeRow(r.values, this.#format, this.#schema, this.#delimiter) + this.#rowDelimiter;
    if (!out.write(text)) return new Promise((resolve) => out.once('drain', () => resolve()));
  }

  async #closeStream(): Promise<void> {
    const s = this.#stream;
    if (!s) return;
    this.#stream = undefined;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  async prepareCommit(): Promise<JsonValue | undefined> {
    if (!this.#current) return undefined;
    await this.#closeStream();
    const pending = this.#current;
    this.#current = undefined;
    this.#seq++;
    return { tmp: pending.tmp, target: pending.target };
  }

  async commit(info: JsonValue): Promise<void> {
    const p = info as unknown as PendingFile;
    try {
      await rename(p.tmp, p.target);
    } catch (err) {
      // Committing again after a restore finds the file already in place: that is success.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (await exists(p.target))) return;
      throw err;
    }
  }

  async abort(): Promise<void> {
    const cur = this.#current;
    await this.#closeStream();
    this.#current = undefined;
    if (cur) await rm(cur.tmp, { force: true });
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
