// tcp handler: opens a connection to `address`, writes the event's JSON line, closes.

import { connect } from 'node:net';
import { alertBody } from '../event.ts';
import { invalidHandlerOptions } from '../errors.ts';
import { type AlertHandler, type HandlerOptions, optString } from './handler.ts';

export function tcpHandler(options: HandlerOptions): AlertHandler {
  const address = optString(options, 'address');
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw invalidHandlerOptions(`invalid tcp address ${JSON.stringify(address)}`);
  }
  const host = address.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1';
  return {
    kind: 'tcp',
    handle: (event) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port }, () => socket.end(alertBody(event)));
        socket.on('error', reject);
        socket.on('close', (hadError) => {
          if (!hadError) resolve();
        });
      }),
    close: async () => {},
  };
}
