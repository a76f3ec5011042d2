// Worker-thread entry of OffThreadParser: scans line-protocol bodies (and, when asked, decodes their
// field values in the same pass) into typed columns, handed back by transfer.

import { parentPort } from 'node:worker_threads';
import { LineProtocolError } from '../lineproto/errors.ts';
import { FieldDecoder } from '../lineproto/field-values.ts';
import { scanLineProtocol } from '../lineproto/parse.ts';
import { BufferPool } from './buffer-pool.ts';
import type { ScanReply, ScanRequest, WorkerReady } from './parse-messages.ts';

/** The columns of a few writes in flight, and of as many released ones on their way back. */
const columns = new BufferPool((bytes) => new ArrayBuffer(bytes), 16);
const memory = (bytes: number): ArrayBuffer => columns.borrow(bytes);
const decoder = new FieldDecoder();

// Imported outside a worker (the error catalogue test loads every module), it does nothing.
const port = parentPort;
port?.on('message', (request: ScanRequest) => {
  let reply: ScanReply;
  const transfer: ArrayBuffer[] = [];
  for (const buffer of request.spare) columns.release(buffer);
  try {
    // A shared staging buffer is only read, and only until the reply: the parser lends it to the
    // next body after that. A transferred one goes back with the reply.
    const body = new Uint8Array(request.body, 0, request.length);
    const { length, cols, fields } = scanLineProtocol(body, request.precision, request.now, memory, request.decodeFields ? decoder : undefined);
    const moved = request.body instanceof SharedArrayBuffer ? undefined : request.body;
    reply = { id: request.id, body: moved, length, cols, fields };
    // Every column of `cols` (and of `fields`) is a view of one buffer.
    transfer.push(cols.lineStart.buffer as ArrayBuffer);
    if (fields !== undefined) transfer.push(fields.numbers.buffer as ArrayBuffer);
    if (moved !== undefined) transfer.push(moved);
  } catch (err) {
    reply =
      err instanceof LineProtocolError
        ? { id: request.id, lineErrors: [...err.lines] }
        : { id: request.id, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply, transfer);
});
port?.postMessage({ ready: true } satisfies WorkerReady);
