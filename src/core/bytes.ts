// Views of memory as other byte types, without copying.

/** `bytes` as a Buffer over the same memory (itself when it is one already). */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A typed array's raw bytes, in the platform's (little-endian) order. */
export function rawBytes(a: Float64Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
