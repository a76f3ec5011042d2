// Worker-thread entry of OffThreadParser: scans line-protocol bodies into shared-memory columns.

import { parentPort } from 'node:worker_threads';
import { LineProtocolError } from '../lineproto/errors.ts';
import { scanLineProtocol } from '../lineproto/parse.ts';
import type { ScanReply, ScanRequest, WorkerReady } from './parse-messages.ts';

// Imported outside a worker (the error catalogue test loads every module), it does nothing.
const port = parentPort;
port?.on('message', (request: ScanRequest) => {
  let reply: ScanReply;
  try {
    const scanned = scanLineProtocol(new Uint8Array(request.body), request.precision, request.now, 'shared');
    reply = { id: request.id, length: scanned.length, cols: scanned.cols };
  } catch (err) {
    reply =
      err instanceof LineProtocolError
        ? { id: request.id, lineErrors: [...err.lines] }
        : { id: request.id, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
port?.postMessage({ ready: true } satisfies WorkerReady);
