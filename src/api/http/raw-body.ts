// Request bodies taken as raw bytes (line protocol, HOCON uploads), with gzip decoding under a size limit.

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { defineError } from '../../core/errors.ts';

const gunzipAsync = promisify(gunzip);

export const bodyErrors = {
  tooLarge: defineError('E_BODY_TOO_LARGE', 'too_large', (limit: number) => `request body too large: the limit is ${limit} bytes`),
  badGzip: defineError('E_BODY_BAD_GZIP', 'invalid', (why: string) => `invalid gzip body: ${why}`),
};

/** Makes every route of `app` (one encapsulated scope) receive its body as a Buffer, whatever the content type. */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/** The body as bytes, gunzipped when the request says `Content-Encoding: gzip`. */
export async function readRawBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = request.headers['content-encoding'];
  if (encoding === undefined || !/\bgzip\b/i.test(encoding)) return body;
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw bodyErrors.tooLarge(limit);
    throw bodyErrors.badGzip(e.message);
  }
}
