// Authentication for every dialect: one root hook that resolves the caller before any route runs.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANONYMOUS_ADMIN, type Authenticator, type Principal } from '../../auth/authenticator.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; the built-in admin when authentication is off. */
    principal: Principal;
  }
}

/** Paths that stay open with authentication on: version probes only. */
const OPEN_PATHS = new Set(['/ping', '/kapacitor/v1/ping', '/kapacitor/v1preview/ping']);

/**
 * Installs the principal on every request. With `authenticator` undefined (authentication off)
 * every caller is the admin. Failures are DomainErrors, so each dialect renders them in its envelope.
 */
export function installAuthentication(app: FastifyInstance, authenticator: Authenticator | undefined): void {
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    request.principal = ANONYMOUS_ADMIN;
    if (authenticator === undefined || request.method === 'OPTIONS') return;
    const path = pathOf(request);
    if (OPEN_PATHS.has(path)) return;
    const query = request.query as Record<string, string | undefined>;
    request.principal = authenticator.authenticate({
      authorization: request.headers.authorization,
      queryUser: query.u,
      queryPassword: query.p,
    });
    authenticator.authorize(request.principal, request.method, path);
  });
}

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}
