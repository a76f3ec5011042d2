// PostgreSQL COPY ... FROM STDIN for the Jdbc connector: the text and binary row encodings and the streaming protocol over pg.

import type { Field, SeaType, Value } from '../../row.ts';
import type { BulkWriter } from './dialect.ts';

/** The parts of a pg Client this module drives (its "submittable" query protocol, which COPY needs). */
export interface PgClient {
  connect(): Promise<void>;
  query(q: { text: string; values?: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[][]; fields: { name: string; dataTypeID: number; dataTypeModifier: number }[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
}

/** What pg hands a submittable query: the protocol calls plus the socket underneath. */
interface PgWire {
  query(text: string): void;
  endCopyFrom(): void;
  sendCopyFail(msg: string): void;
  stream: NodeJS.WritableStream & { writableLength: number };
}

/** Turns a batch of rows into one complete CopyData protocol message. */
export interface CopyEncoding {
  /** `FORMAT` of the COPY statement. */
  format: 'text' | 'binary';
  encode(rows: Value[][]): Buffer;
  /** Bytes sent right after the COPY starts and right before it ends (the binary header and trailer). */
  header?: Buffer;
  trailer?: Buffer;
}

/** One value in COPY's text format (backslash escapes, \N for null). */
function copyValue(v: Value): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return `${v}`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'bigint') return v.toString();
  let s: string;
  if (typeof v === 'string') s = v;
  else if (v instanceof Uint8Array) return `\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  else s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

/** Wraps a payload as a CopyData message ('d', then the length including itself). */
function copyData(payload: string | Buffer): Buffer {
  const n = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  const msg = Buffer.allocUnsafe(5 + n);
  msg[0] = 0x64;
  msg.writeInt32BE(n + 4, 1);
  if (typeof payload === 'string') msg.write(payload, 5, 'utf8');
  else payload.copy(msg, 5);
  return msg;
}

/** The text format: any column type, PostgreSQL parses every value. */
export const TEXT_ENCODING: CopyEncoding = {
  format: 'text',
  encode(rows) {
    let out = '';
    for (const r of rows) {
      let line = '';
      for (let i = 0; i < r.length; i++) line += (i === 0 ? '' : '\t') + copyValue(r[i]);
      out += `${line}\n`;
    }
    return copyData(out);
  },
};

// ---- binary format ----------------------------------------------------------------------------

const INT2 = 0;
const INT4 = 1;
const INT8 = 2;
const FLOAT4 = 3;
const FLOAT8 = 4;
const BOOL = 5;
const TEXT = 6;
const BYTEA = 7;
const NAMES = ['smallint', 'integer', 'bigint', 'real', 'double precision', 'boolean', 'text', 'bytea'];

const INTS = { 21: INT2, 23: INT4, 20: INT8 };
const TEXTS = { 25: TEXT, 1043: TEXT, 1042: TEXT };
/**
 * Field type → target column OID → binary writer. Only pairs where the binary value is exactly
 * what PostgreSQL would parse from the text form: no narrowing (a double into real), no parsing.
 */
const BINARY_PAIRS: Partial<Record<SeaType['kind'], Record<number, number>>> = {
  tinyint: INTS,
  smallint: INTS,
  int: { 23: INT4, 20: INT8 },
  bigint: { 20: INT8 },
  float: { 700: FLOAT4, 701: FLOAT8 },
  double: { 701: FLOAT8 },
  boolean: { 16: BOOL },
  string: TEXTS,
  bytes: { 17: BYTEA },
};

/** 'PGCOPY\n\377\r\n\0', no flags, no header extension. */
const BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);
const TWO_32 = 4294967296;

function describe(v: Value): string {
  return typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'` : typeof v === 'object' && v !== null ? 'a nested value' : String(v);
}

/**
 * The binary format where every column pairs exactly with its target column (see BINARY_PAIRS):
 * PostgreSQL then skips parsing each value, and encoding a number is a fixed-width store instead
 * of a decimal conversion. Undefined when some column has no exact pair (the text format is used).
 */
export function binaryEncoding(fields: Field[], targetOids: number[]): CopyEncoding | undefined {
  const kinds: number[] = [];
  for (let c = 0; c < fields.length; c++) {
    const k = BINARY_PAIRS[fields[c].type.kind]?.[targetOids[c]];
    if (k === undefined) return undefined;
    kinds.push(k);
  }
  const names = fields.map((f) => f.name);
  const n = fields.length;
  let buf = Buffer.allocUnsafe(64 << 10);
  // DataView stores compile to plain machine stores; Buffer's write*BE methods check their arguments on every call.
  let view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  let p = 0;
  const room = (need: number) => {
    if (p + need <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, p + need));
    buf.copy(bigger, 0, 0, p);
    buf = bigger;
    view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  };
  const mismatch = (c: number, v: Value) => new Error(`column "${names[c]}": ${describe(v)} is not a valid ${NAMES[kinds[c]]}`);
  const int = (c: number, v: Value, lo: number, hi: number): number => {
    const x = typeof v === 'bigint' ? Number(v) : v;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) throw mismatch(c, v);
    return x;
  };
  return {
    format: 'binary',
    header: BINARY_HEADER,
    trailer: BINARY_TRAILER,
    encode(rows) {
      p = 5;
      for (const r of rows) {
        room(2 + n * 12);
        view.setInt16(p, n);
        p += 2;
        for (let c = 0; c < n; c++) {
          const v = r[c];
          if (v === null || v === undefined) {
            view.setInt32(p, -1);
            p += 4;
            continue;
          }
          switch (kinds[c]) {
            case INT2:
              view.setInt32(p, 2);
              view.setInt16(p + 4, int(c, v, -32768, 32767));
              p += 6;
              break;
            case INT4:
              view.setInt32(p, 4);
              view.setInt32(p + 4, int(c, v, -2147483648, 2147483647));
              p += 8;
              break;
            case INT8:
              view.setInt32(p, 8);
              if (typeof v === 'bigint') {
                if (BigInt.asIntN(64, v) !== v) throw mismatch(c, v);
                view.setBigInt64(p + 4, v);
              } else {
                const x = int(c, v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
                const hi = Math.floor(x / TWO_32);
                view.setInt32(p + 4, hi);
                view.setUint32(p + 8, x - hi * TWO_32);
              }
              p += 12;
              break;
            case FLOAT4:
            case FLOAT8:
              if (typeof v !== 'number') throw mismatch(c, v);
              if (kinds[c] === FLOAT4) {
                view.setInt32(p, 4);
                view.setFloat32(p + 4, v);
                p += 8;
              } else {
                view.setInt32(p, 8);
                view.setFloat64(p + 4, v);
                p += 12;
              }
              break;
            case BOOL:
              if (typeof v !== 'boolean') throw mismatch(c, v);
              view.setInt32(p, 1);
              buf[p + 4] = v ? 1 : 0;
              p += 5;
              break;
            case TEXT: {
              if (typeof v !== 'string') throw mismatch(c, v);
              const len = v.length;
              room(4 + len * 3);
              const at = p + 4;
              // ASCII (the common case) is stored byte by byte; anything else goes through the UTF-8 encoder.
              let k = 0;
              while (k < len) {
                const ch = v.charCodeAt(k);
                if (ch > 0x7f) break;
                buf[at + k] = ch;
                k++;
              }
              const bytes = k === len ? len : buf.write(v, at, 'utf8');
              view.setInt32(p, bytes);
              p = at + bytes;
              break;
            }
            case BYTEA: {
              if (!(v instanceof Uint8Array)) throw mismatch(c, v);
              room(4 + v.byteLength);
              view.setInt32(p, v.byteLength);
              buf.set(v, p + 4);
              p += 4 + v.byteLength;
              break;
            }
          }
        }
      }
      buf[0] = 0x64;
      view.setInt32(1, p - 1);
      // The socket may hold on to the message, so it gets its own copy of the reused buffer.
      const msg = Buffer.allocUnsafe(p);
      buf.copy(msg, 0, 0, p);
      return msg;
    },
  };
}

// ---- the protocol -----------------------------------------------------------------------------

/**
 * How much may wait in the socket's user-space queue before a write waits for it to drain: enough
 * to keep the server busy while the next rows are produced, small enough to bound memory.
 */
const MAX_QUEUED = 1 << 20;

/**
 * Opens `COPY <target> FROM STDIN` in the encoding's format. Messages go straight to the socket as
 * they are written while the server ingests them; the socket's drain is the backpressure. Rows
 * become visible when `end` completes; `fail` drops them all.
 */
export function copyStream(client: PgClient, target: string, encoding: CopyEncoding): Promise<BulkWriter> {
  return new Promise((opened, failedToOpen) => {
    let failure: Error | undefined;
    let wire: PgWire | undefined;
    let done: { resolve: () => void; reject: (e: Error) => void } | undefined;
    const finished = new Promise<void>((resolve, reject) => (done = { resolve, reject }));
    finished.catch(() => {});
    const send = (msg: Buffer): void | Promise<void> => {
      const stream = wire!.stream;
      stream.write(msg);
      if (stream.writableLength <= MAX_QUEUED) return;
      // A connection that dies never drains: its close ends the wait, and the next write reports the failure.
      return new Promise((resume) => {
        const go = () => {
          stream.off('drain', go);
          stream.off('close', go);
          resume();
        };
        stream.on('drain', go);
        stream.on('close', go);
      });
    };
    const writer: BulkWriter = {
      write(rows) {
        if (failure) throw failure;
        if (rows.length > 0) return send(encoding.encode(rows));
      },
      async end() {
        if (encoding.trailer) send(copyData(encoding.trailer));
        wire!.endCopyFrom();
        await finished;
      },
      async fail(reason) {
        wire!.sendCopyFail(reason);
        await finished.catch(() => {});
      },
    };
    const submittable = {
      submit(w: PgWire) {
        wire = w;
        w.query(`COPY ${target} FROM STDIN${encoding.format === 'binary' ? ' (FORMAT binary)' : ''}`);
      },
      handleCopyInResponse() {
        if (encoding.header) send(copyData(encoding.header));
        opened(writer);
      },
      handleCommandComplete() {},
      // pg forgets the active query when an error arrives, so no readyForQuery follows for it.
      handleError(err: Error) {
        failure = err;
        failedToOpen(err);
        done!.reject(err);
      },
      handleReadyForQuery() {
        done!.resolve();
      },
    };
    (client as unknown as { query(q: unknown): void }).query(submittable);
  });
}

/** One whole COPY of `rows`. */
export async function copyIn(client: PgClient, target: string, rows: Value[][], encoding: CopyEncoding): Promise<void> {
  const w = await copyStream(client, target, encoding);
  // Messages well below the protocol's size limit.
  for (let i = 0; i < rows.length; i += 4096) await w.write(rows.slice(i, i + 4096));
  await w.end();
}
