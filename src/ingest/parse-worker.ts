// Worker-thread entry of OffThreadParser: scans line-protocol bodies (and, when asked, decodes their
// field values) into shared-memory columns.

import { parentPort } from 'node:worker_threads';
import { LineProtocolError } from '../lineproto/errors.ts';
import { decodeFieldValues } from '../lineproto/field-values.ts';
import { scanLineProtocol } from '../lineproto/parse.ts';
import type { ScanReply, ScanRequest, WorkerReady } from './parse-messages.ts';

// Imported outside a worker (the error catalogue test loads every module), it does nothing.
const port = parentPort;
port?.on('message', (request: ScanRequest) => {
  let reply: ScanReply;
  try {
    const body = new Uint8Array(request.body);
    const { length, cols } = scanLineProtocol(body, request.precision, request.now, 'shared');
    const fields = request.decodeFields ? decodeFieldValues(body, cols, length, 'shared') : undefined;
    reply = { id: request.id, length, cols, fields };
  } catch (err) {
    reply =
      err instanceof LineProtocolError
        ? { id: request.id, lineErrors: [...err.lines] }
        : { id: request.id, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
port?.postMessage({ ready: true } satisfies WorkerReady);
