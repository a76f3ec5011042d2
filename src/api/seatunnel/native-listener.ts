// The optional native SeaTunnel port (5801 by convention): a listener that serves only this dialect.

import Fastify, { type FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { installAuthentication } from '../http/principal.ts';
import { type SeatunnelServices, seatunnelApi } from './plugin.ts';

export interface SeatunnelListenerOptions {
  services: SeatunnelServices;
  port: number;
  host?: string;
  bodyLimit?: number;
  logLevel?: string;
  /** The server's authenticator; the native port then asks for the same credentials as the shared one. */
  authenticator?: Authenticator;
}

export interface SeatunnelListener {
  readonly app: FastifyInstance;
  /** `http://host:port` as bound. */
  readonly address: string;
  close(): Promise<void>;
}

export async function startSeatunnelListener(options: SeatunnelListenerOptions): Promise<SeatunnelListener> {
  const app = Fastify({ logger: { level: options.logLevel ?? 'warn' }, bodyLimit: options.bodyLimit ?? 32 * 1024 * 1024 });
  installAuthentication(app, options.authenticator);
  await app.register(seatunnelApi({ ...options.services, port: options.services.port ?? options.port }));
  // Jetty's default servlet answers unknown paths with a 404.
  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).type('text/html;charset=UTF-8').send('<html><body><h2>404 Not Found</h2></body></html>');
  });
  const address = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  return { app, address, close: () => app.close() };
}
