// The optional native OpenTSDB port (4242 by convention): a listener that serves only this dialect.

import Fastify, { type FastifyInstance } from 'fastify';
import { type OpentsdbServices, opentsdbApi } from './plugin.ts';

export interface OpentsdbListenerOptions {
  services: OpentsdbServices;
  port: number;
  host?: string;
  /** Maximum request body in bytes (OpenTSDB's default chunk limit is far smaller; 10 MiB). */
  bodyLimit?: number;
  logLevel?: string;
}

export interface OpentsdbListener {
  readonly app: FastifyInstance;
  /** `http://host:port` as bound. */
  readonly address: string;
  close(): Promise<void>;
}

export async function startOpentsdbListener(options: OpentsdbListenerOptions): Promise<OpentsdbListener> {
  const app = Fastify({ logger: { level: options.logLevel ?? 'warn' }, bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024 });
  await app.register(opentsdbApi(options.services));
  app.setNotFoundHandler((_request, reply) => {
    reply
      .code(404)
      .type('application/json; charset=UTF-8')
      .send(JSON.stringify({ error: { code: 404, message: 'Endpoint not found' } }));
  });
  const address = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  return { app, address, close: () => app.close() };
}
