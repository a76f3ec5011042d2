// Authentication on and off: basic, bearer tokens, JWTs, query credentials, roles, open ping.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function jwt(payload: object, secret: string, alg = 'HS256'): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg, typ: 'JWT' })}.${enc(payload)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${head}.${createHmac(hash, secret).update(head).digest('base64url')}`;
}

describe('authentication on', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      configure: (c) => {
        c.http.authEnabled = true;
        c.http.sharedSecret = 's3cret';
        c.auth.users = [
          { username: 'ada', password: 'pw', role: 'admin' },
          { username: 'rita', password: 'ro', role: 'read' },
        ];
        c.auth.tokens = [{ token: 'tok-123', username: 'ada' }];
      },
    });
  });
  after(() => t.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });

  it('leaves ping open', async () => {
    assert.equal((await get('/kapacitor/v1/ping')).status, 204);
  });

  it('refuses requests without credentials with 401 and a compact error', async () => {
    const res = await get('/kapacitor/v1/debug/vars');
    assert.equal(res.status, 401);
    assert.equal(await res.text(), '{"error":"unable to parse authentication credentials","message":"unable to parse authentication credentials"}');
  });

  it('refuses writes without credentials', async () => {
    const res = await fetch(`${t.url}/write?db=a&rp=b`, { method: 'POST', body: 'cpu v=1' });
    assert.equal(res.status, 401);
  });

  it('accepts basic auth and refuses a wrong password', async () => {
    assert.equal((await get('/kapacitor/v1/debug/vars', { Authorization: basic('ada', 'pw') })).status, 200);
    const wrong = await get('/kapacitor/v1/debug/vars', { Authorization: basic('ada', 'nope') });
    assert.equal(wrong.status, 401);
    assert.equal((await readJson(wrong)).error, 'authorization failed');
    const noUser = await get('/kapacitor/v1/debug/vars', { Authorization: basic('', 'x') });
    assert.equal((await readJson(noUser)).error, 'username required');
  });

  it('accepts u and p query parameters', async () => {
    assert.equal((await get('/kapacitor/v1/debug/vars?u=ada&p=pw')).status, 200);
  });

  it('accepts static bearer tokens', async () => {
    assert.equal((await get('/kapacitor/v1/debug/vars', { Authorization: 'Bearer tok-123' })).status, 200);
    assert.equal((await get('/kapacitor/v1/debug/vars', { Authorization: 'Bearer nope' })).status, 401);
  });

  it('accepts HMAC JWTs signed with the shared secret, with Kapacitor’s claim rules', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const ok = jwt({ username: 'ada', exp }, 's3cret', 'HS512');
    assert.equal((await get('/kapacitor/v1/debug/vars', { Authorization: `Bearer ${ok}` })).status, 200);
    const expired = await get('/kapacitor/v1/debug/vars', { Authorization: `Bearer ${jwt({ username: 'ada', exp: 5 }, 's3cret')}` });
    assert.equal((await readJson(expired)).error, 'invalid token: token is expired');
    const noExp = await get('/kapacitor/v1/debug/vars', { Authorization: `Bearer ${jwt({ username: 'ada' }, 's3cret')}` });
    assert.equal((await readJson(noExp)).error, 'invalid token: token expiration required');
    const forged = await get('/kapacitor/v1/debug/vars', { Authorization: `Bearer ${jwt({ username: 'ada', exp }, 'other')}` });
    assert.equal((await readJson(forged)).error, 'invalid token: signature is invalid');
  });

  it('lets a read-only user read but not write', async () => {
    assert.equal((await get('/kapacitor/v1/debug/vars', { Authorization: basic('rita', 'ro') })).status, 200);
    const res = await fetch(`${t.url}/write?db=a&rp=b`, { method: 'POST', body: 'cpu v=1', headers: { Authorization: basic('rita', 'ro') } });
    assert.equal(res.status, 403);
    assert.equal((await readJson(res)).error, 'user rita does not have "write" privilege for API endpoint "/write"');
  });
});

describe('authentication off', () => {
  it('serves every request without credentials', async () => {
    const t = await startTestServer();
    assert.equal((await fetch(`${t.url}/kapacitor/v1/debug/vars`)).status, 200);
    assert.equal((await fetch(`${t.url}/write?db=a&rp=b`, { method: 'POST', body: 'cpu v=1' })).status, 204);
    await t.stop();
  });
});
