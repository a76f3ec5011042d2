// Raw request bodies: read into the memory a route provides when their length is known, joined otherwise, within the body limit.

import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { acceptRawBodiesInto, readRawBody } from './raw-body.ts';

/** A server whose one route says whether its body is the memory handed out for it, and what it holds. */
async function server(): Promise<{ app: FastifyInstance; handedOut: Buffer[] }> {
  const handedOut: Buffer[] = [];
  const app = Fastify({ bodyLimit: 1000 });
  await app.register(async (scope) => {
    acceptRawBodiesInto(scope, (length) => {
      const memory = Buffer.alloc(length);
      handedOut.push(memory);
      return memory;
    });
    scope.post('/in', async (request) => {
      const body = await readRawBody(request, 1000);
      return { text: body.toString(), intoMemory: handedOut.includes(request.body as Buffer) };
    });
  });
  return { app, handedOut };
}

describe('acceptRawBodiesInto', () => {
  it('reads a body of known length straight into the memory it asks for', async () => {
    const { app, handedOut } = await server();
    const res = await app.inject({ method: 'POST', url: '/in', payload: 'cpu v=1\ncpu v=2', headers: { 'content-type': 'text/plain' } });
    assert.deepEqual(res.json(), { text: 'cpu v=1\ncpu v=2', intoMemory: true });
    assert.deepEqual(
      handedOut.map((m) => m.length),
      [15],
    );
  });

  it('joins encoded bodies from their chunks, for the route to decode', async () => {
    const { app, handedOut } = await server();
    const res = await app.inject({ method: 'POST', url: '/in', payload: gzipSync('cpu v=3'), headers: { 'content-encoding': 'gzip' } });
    assert.deepEqual(res.json(), { text: 'cpu v=3', intoMemory: false });
    assert.equal(handedOut.length, 0);
  });

  it('refuses a body above the limit with fastify’s own error, before asking for memory', async () => {
    const { app, handedOut } = await server();
    const res = await app.inject({ method: 'POST', url: '/in', payload: 'x'.repeat(1001) });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, 'FST_ERR_CTP_BODY_TOO_LARGE');
    assert.equal(handedOut.length, 0);
  });

  it('refuses a body shorter than its Content-Length', async () => {
    const { app } = await server();
    const res = await app.inject({ method: 'POST', url: '/in', payload: 'cpu v=1', headers: { 'content-length': '9' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH');
  });
});
