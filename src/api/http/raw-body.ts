// Request bodies taken as raw bytes (line protocol, HOCON uploads), with gzip decoding under a size limit.

import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { bufferView } from '../../core/bytes.ts';
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

/**
 * Like `acceptRawBodies`, but a body that states its length and no encoding is read straight into
 * `memory(length)` instead of being joined from its chunks: the write path gives memory its parser
 * takes as it is, so a large body is copied once on its way from the socket to the parse worker.
 * Limits and errors stay fastify's: too large (413) against the route's body limit, a length other
 * than the Content-Length (400), a failed stream (400).
 */
export function acceptRawBodiesInto(app: FastifyInstance, memory: (length: number) => Uint8Array): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => readBody(request, payload, memory, done));
}

function readBody(
  request: FastifyRequest,
  payload: IncomingMessage,
  memory: (length: number) => Uint8Array,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  const declared = Number(request.headers['content-length']);
  if (declared > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  const into = Number.isInteger(declared) && request.headers['content-encoding'] === undefined ? bufferView(memory(declared)) : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer): void => {
    if (received + chunk.length > limit) {
      stop();
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    if (into === undefined) chunks.push(chunk);
    else if (received + chunk.length <= into.length) into.set(chunk, received);
    received += chunk.length;
  };
  const onEnd = (err?: Error & { statusCode?: number }): void => {
    stop();
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      done(err);
    } else if (!Number.isNaN(declared) && received !== declared) done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    else done(null, into ?? Buffer.concat(chunks, received));
  };
  const stop = (): void => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
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
