// Little-endian binary writer and reader for WAL records and snapshots.

import { rawBytes } from '../core/bytes.ts';
import { storeCorrupt } from './errors.ts';

/** Appends to a growing buffer; `finish()` returns the bytes written. */
export class ByteWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initial = 4096) {
    this.#buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.#pos;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  u8(v: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = v;
  }

  u32(v: number): void {
    this.#ensure(4);
    this.#buf.writeUInt32LE(v, this.#pos);
    this.#pos += 4;
  }

  i32(v: number): void {
    this.#ensure(4);
    this.#buf.writeInt32LE(v, this.#pos);
    this.#pos += 4;
  }

  f64(v: number): void {
    this.#ensure(8);
    this.#buf.writeDoubleLE(v, this.#pos);
    this.#pos += 8;
  }

  i64(v: bigint): void {
    this.#ensure(8);
    this.#buf.writeBigInt64LE(v, this.#pos);
    this.#pos += 8;
  }

  str(s: string): void {
    // Worst case three bytes per UTF-16 unit.
    this.#ensure(4 + s.length * 3);
    const n = this.#buf.write(s, this.#pos + 4, 'utf8');
    this.#buf.writeUInt32LE(n, this.#pos);
    this.#pos += 4 + n;
  }

  bytes(b: Uint8Array): void {
    this.#ensure(b.byteLength);
    this.#buf.set(b, this.#pos);
    this.#pos += b.byteLength;
  }

  /** Writes the raw bytes of a typed array (host order is little-endian on every platform Node runs on). */
  typed(a: Float64Array | Int32Array | BigInt64Array | Uint8Array): void {
    this.bytes(rawBytes(a));
  }

  /** Reserves four bytes now and fills them later (a length prefix). */
  reserveU32(): number {
    this.#ensure(4);
    const at = this.#pos;
    this.#pos += 4;
    return at;
  }

  patchU32(at: number, v: number): void {
    this.#buf.writeUInt32LE(v, at);
  }

  finish(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }
}

/** Reads what `ByteWriter` wrote; any overrun is a corrupt file. */
export class ByteReader {
  readonly #buf: Buffer;
  #pos: number;
  readonly #end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  #need(n: number): void {
    if (this.#pos + n > this.#end) throw storeCorrupt('unexpected end of record');
  }

  u8(): number {
    this.#need(1);
    return this.#buf[this.#pos++];
  }

  u32(): number {
    this.#need(4);
    const v = this.#buf.readUInt32LE(this.#pos);
    this.#pos += 4;
    return v;
  }

  i32(): number {
    this.#need(4);
    const v = this.#buf.readInt32LE(this.#pos);
    this.#pos += 4;
    return v;
  }

  f64(): number {
    this.#need(8);
    const v = this.#buf.readDoubleLE(this.#pos);
    this.#pos += 8;
    return v;
  }

  i64(): bigint {
    this.#need(8);
    const v = this.#buf.readBigInt64LE(this.#pos);
    this.#pos += 8;
    return v;
  }

  str(): string {
    const n = this.u32();
    this.#need(n);
    const s = this.#buf.toString('utf8', this.#pos, this.#pos + n);
    this.#pos += n;
    return s;
  }

  /** Copies `n` bytes out (aligned, so they can back a typed array). */
  bytes(n: number): Uint8Array {
    this.#need(n);
    const out = new Uint8Array(n);
    out.set(this.#buf.subarray(this.#pos, this.#pos + n));
    this.#pos += n;
    return out;
  }

  f64s(n: number): Float64Array {
    return new Float64Array(this.bytes(n * 8).buffer);
  }

  i32s(n: number): Int32Array {
    return new Int32Array(this.bytes(n * 4).buffer);
  }

  i64s(n: number): BigInt64Array {
    return new BigInt64Array(this.bytes(n * 8).buffer);
  }
}
