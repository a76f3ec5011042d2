// OpenTSDB annotation API against a listening server: every case of reference A11, the A5 error
// catalogue, the A1 HTTP conventions and the A2–A4 semantics (merge/replace, ms, custom, bulk).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { type Harness, type HttpResult, TSUID, call, seedAnnotations, startHarness } from '../src/api/opentsdb/test-harness.ts';

let h: Harness;
const get = (path: string) => call(h.base, 'GET', path);

beforeEach(async () => {
  h = await startHarness();
  await seedAnnotations(h.annotations);
});
afterEach(async () => {
  await h.close();
});

function assertError(res: HttpResult, status: number, message: string, details?: string) {
  assert.equal(res.status, status);
  const body = res.json();
  assert.equal(body.error.code, status);
  assert.equal(body.error.message, message);
  if (details === undefined) assert.equal('details' in body.error, false, 'no details expected');
  else assert.equal(body.error.details, details);
}

describe('A11 reference cases', () => {
  it('1: GET one annotation, 404 when absent, 400 without start time', async () => {
    const ok = await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.deepEqual(ok.json(), {
      tsuid: TSUID,
      description: 'Hello!',
      notes: 'My Notes',
      custom: { owner: 'ops' },
      endTime: 1419984000,
      startTime: 1388450562,
    });
    assertError(await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450568`), 404, 'Unable to locate annotation in storage');
    assertError(await get(`/api/annotation?tsuid=${TSUID}`), 400, 'Missing start time');
  });

  it('2: POST merges into the stored annotation (local and global)', async () => {
    const res = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, description: 'Boo' });
    assert.equal(res.status, 200);
    assert.equal(res.json().description, 'Boo');
    assert.equal(res.json().notes, 'My Notes');
    assert.deepEqual(res.json().custom, { owner: 'ops' });
    const global = await call(h.base, 'POST', '/api/annotation', { startTime: 1328140800, description: 'Boo' });
    assert.equal(global.status, 200);
    assert.equal(global.json().tsuid, '');
    assert.equal(global.json().notes, 'Notes');
    assert.equal((await get('/api/annotation?start_time=1328140800')).json().description, 'Boo');
  });

  it('3: GET with method_override=put replaces (unsupplied fields reset, custom gone)', async () => {
    const res = await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562&description=Boo&method_override=put`);
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.description, 'Boo');
    assert.equal(body.notes, '');
    assert.equal(body.startTime, 1388450562);
    assert.equal(body.endTime, 0);
    assert.equal('custom' in body, false);
    const stored = (await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562`)).json();
    assert.equal('custom' in stored, false);
  });

  it('4: a write with no changeable field is 304 with an empty body and changes nothing', async () => {
    const res = await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562&method_override=post`);
    assert.equal(res.status, 304);
    assert.equal(res.text, '');
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562`)).json().description, 'Hello!');
    // Also when the annotation does not exist yet (quirk kept, A9).
    const absent = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1500000000 });
    assert.equal(absent.status, 304);
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1500000000`)).status, 404);
  });

  it('5: DELETE is 204 with an empty body; siblings stay', async () => {
    const res = await call(h.base, 'DELETE', `/api/annotation?tsuid=${TSUID}&start_time=1388450562`);
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562`)).status, 404);
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450563`)).json().description, 'Note2');
    const viaOverride = await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450563&method_override=delete`);
    assert.equal(viaOverride.status, 204);
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450563`)).status, 404);
    // No existence check.
    assert.equal((await call(h.base, 'DELETE', `/api/annotation?tsuid=${TSUID}&start_time=1388450563`)).status, 204);
  });

  it('6: bulk delete by TSUIDs, by global flag, and its errors', async () => {
    const res = await call(h.base, 'DELETE', '/api/annotation/bulk', {
      tsuids: [TSUID, '000001000001000002'],
      startTime: '1388450560000',
      endTime: '1388450562000',
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {
      tsuids: [TSUID, '000001000001000002'],
      global: false,
      totalDeleted: 1,
      startTime: 1388450560000,
      endTime: 1388450562000,
    });
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450563`)).status, 200);

    const global = await get('/api/annotation/bulk?start_time=1000000000000&global=true&method_override=delete');
    assert.equal(global.status, 200);
    assert.equal(global.json().totalDeleted, 2);
    assert.equal(global.json().global, true);
    assert.equal(global.json().tsuids, null);

    assertError(
      await call(h.base, 'DELETE', '/api/annotation/bulk', { startTime: '1328140799000', endTime: '1328140800000' }),
      400,
      'Missing the TSUIDs or global annotations flag',
    );
    const single = await call(h.base, 'POST', '/api/annotation/bulk', { tsuid: TSUID, startTime: 1388450562, description: 'x' });
    assert.equal(single.status, 400);
    assert.equal(single.json().error.code, 400);
    const bulkGet = await get('/api/annotation/bulk');
    assertError(bulkGet, 405, 'Method not allowed', 'The HTTP method [GET] is not permitted for this endpoint');
  });
});

describe('A5 error catalogue', () => {
  it('TRACE and PATCH are 405 before routing', async () => {
    assertError(
      await call(h.base, 'TRACE', '/api/annotation'),
      405,
      'Method not allowed',
      'The HTTP method [TRACE] is not permitted for this endpoint',
    );
    assertError(
      await call(h.base, 'PATCH', '/api/annotation', { startTime: 1 }),
      405,
      'Method not allowed',
      'The HTTP method [PATCH] is not permitted for this endpoint',
    );
  });

  it('JSON write without startTime', async () => {
    assertError(await call(h.base, 'POST', '/api/annotation', { description: 'x' }), 400, 'The start timestamp has not been set');
    assertError(await call(h.base, 'PUT', '/api/annotation', { startTime: 0, notes: 'x' }), 400, 'The start timestamp has not been set');
  });

  it('DELETE with a body lacking startTime', async () => {
    assertError(
      await call(h.base, 'DELETE', '/api/annotation', { tsuid: TSUID }),
      400,
      'Unable to delete Annotation information',
      'The start timestamp has not been set',
    );
    assertError(await call(h.base, 'DELETE', `/api/annotation?tsuid=${TSUID}`), 400, 'Missing start time');
  });

  it('a bulk write with an empty body', async () => {
    assertError(
      await call(h.base, 'POST', '/api/annotation/bulk'),
      400,
      'Missing message content',
      'Supply valid JSON formatted data in the body of your request',
    );
  });

  it('a bulk element without startTime, and nothing of the batch is written', async () => {
    const res = await call(h.base, 'POST', '/api/annotation/bulk', [
      { tsuid: TSUID, startTime: 1400000000, description: 'first' },
      { tsuid: TSUID, description: 'Second' },
    ]);
    assertError(res, 400, 'The start timestamp has not been set', `Annotation error: TSUID: ${TSUID} Start: 0  Description: Second`);
    assert.equal((await get(`/api/annotation?tsuid=${TSUID}&start_time=1400000000`)).status, 404);
  });

  it('bulk delete validation texts', async () => {
    assertError(await call(h.base, 'DELETE', '/api/annotation/bulk'), 400, 'Missing parameter <code>start_time</code>');
    assertError(await get('/api/annotation/bulk?global&method_override=delete'), 400, 'Missing parameter <code>start_time</code>');
    assertError(await call(h.base, 'DELETE', '/api/annotation/bulk', { global: true }), 400, 'Missing the start time value');
    assertError(
      await call(h.base, 'DELETE', '/api/annotation/bulk?start_time=1328140799&tsuids='),
      400,
      'UID was empty',
    );
    assertError(
      await call(h.base, 'DELETE', '/api/annotation/bulk', { global: true, startTime: 1388450562000, endTime: 1388450560000 }),
      400,
      'The end timestamp cannot be less than the start timestamp',
    );
    const unknown = await call(h.base, 'DELETE', '/api/annotation/bulk', { global: true, startTime: 1, owner: 'x' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json().error.message, /Unrecognized field "owner"/);
    assert.equal(await h.annotations.count(''), 2, 'nothing deleted by rejected requests');
  });
});

describe('A1 HTTP conventions', () => {
  it('the /api/v1 alias, 501 above, 400 for an unreadable version', async () => {
    assert.equal((await get(`/api/v1/annotation?tsuid=${TSUID}&start_time=1388450562`)).status, 200);
    assert.equal((await call(h.base, 'DELETE', '/api/v1/annotation/bulk?start_time=1328140799&global')).json().totalDeleted, 2);
    assertError(
      await get(`/api/v2/annotation?tsuid=${TSUID}&start_time=1388450562`),
      501,
      'Requested API version is greater than the max implemented',
      'API version [2] is greater than the max [1]',
    );
    assertError(
      await get('/api/v1x/annotation?start_time=1'),
      400,
      'Invalid API version format supplied',
      'API version [1x] cannot be parsed to an integer',
    );
  });

  it('unknown endpoints are 404 without details; endpoint names are case-insensitive', async () => {
    assertError(await get('/api/nothing'), 404, 'Endpoint not found');
    assertError(await get('/api/v1/nothing'), 404, 'Endpoint not found');
    assert.equal((await get(`/api/Annotation?tsuid=${TSUID}&start_time=1388450562`)).status, 200);
  });

  it('method_override: empty and unknown values are 405; non-GET requests ignore it', async () => {
    assertError(await get(`/api/annotation?start_time=1388450562&method_override=`), 405, 'Missing method override value');
    assertError(await get(`/api/annotation?start_time=1388450562&method_override=patch`), 405, 'Unknown or unsupported method override value');
    const upper = await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562&method_override=DELETE`);
    assert.equal(upper.status, 204);
    const ignored = await call(h.base, 'POST', '/api/annotation?method_override=delete', { startTime: 1328140800, notes: 'kept' });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.json().notes, 'kept');
  });

  it('a JSON body wins over the query string', async () => {
    const res = await call(h.base, 'POST', '/api/annotation?start_time=1328140801&description=fromQS', {
      startTime: 1328140800,
      description: 'fromBody',
    });
    assert.equal(res.json().startTime, 1328140800);
    assert.equal(res.json().description, 'fromBody');
    assert.equal((await get('/api/annotation?start_time=1328140801')).json().description, 'Global 2');
  });

  it('malformed JSON is a 400 envelope (OpenTSDB gives 500 on the single endpoint)', async () => {
    const res = await call(h.base, 'POST', '/api/annotation', '{"startTime":');
    assert.equal(res.status, 400);
    assert.match(res.json().error.message, /JSON/);
  });

  it('unreadable dates are 400 (OpenTSDB lets them surface as 500)', async () => {
    assertError(await get('/api/annotation?start_time=yesterday'), 400, 'Invalid time: yesterday');
    assertError(await get('/api/annotation?start_time=2013/13/01'), 400, 'Invalid absolute date: 2013/13/01');
  });

  it('a body over the limit gets the envelope with 413, also on GET', async () => {
    const small = await startHarness(':memory:', async () => ({}), 1024);
    try {
      const big = [{ startTime: 1369141261, notes: 'x'.repeat(2000) }];
      const post = await call(small.base, 'POST', '/api/annotation/bulk', big);
      assert.equal(post.status, 413);
      assert.equal(post.json().error.code, 413);
      assert.equal(await small.annotations.count(''), 0);
      const huge = await call(small.base, 'GET', '/api/annotation', { startTime: 1369141261, notes: 'y'.repeat(2_000_000) });
      assertError(huge, 413, 'Request body too large');
    } finally {
      await small.close();
    }
  });

  it('JSONP wraps replies and errors', async () => {
    const res = await get(`/api/annotation?tsuid=${TSUID}&start_time=1388450562&jsonp=cb`);
    assert.match(res.text, /^cb\(\{.*"Hello!".*\}\)$/);
    const err = await get('/api/annotation?jsonp=cb');
    assert.equal(err.text, 'cb({"error":{"code":400,"message":"Missing start time"}})');
  });
});

describe('A2–A4 semantics', () => {
  it('PUT replaces, custom is set and replaced as a whole, {} counts as a change', async () => {
    const put = await call(h.base, 'PUT', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, notes: 'only notes' });
    assert.deepEqual(put.json(), { tsuid: TSUID, description: '', notes: 'only notes', endTime: 0, startTime: 1388450562 });
    const custom = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, custom: { a: '1', b: 2 } });
    assert.deepEqual(custom.json().custom, { a: '1', b: '2' });
    const replaced = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, custom: { c: 'x' } });
    assert.deepEqual(replaced.json().custom, { c: 'x' });
    assert.equal(replaced.json().notes, 'only notes');
    const empty = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, custom: {} });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json().custom, {});
    // Default values are not changes: empty description, endTime 0, null custom.
    const none = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, description: '', endTime: 0, custom: null });
    assert.equal(none.status, 304);
  });

  it('seconds and milliseconds: whole-second ms address the seconds note; other ms are kept', async () => {
    const viaMs = await call(h.base, 'GET', `/api/annotation`, { tsuid: TSUID, startTime: 1388450562000 });
    assert.equal(viaMs.status, 200);
    assert.equal(viaMs.json().startTime, 1388450562);
    const post = await call(h.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: '1388450562000', description: 'ms' });
    assert.equal(post.json().startTime, 1388450562);
    assert.equal(post.json().notes, 'My Notes');
    const fine = await call(h.base, 'POST', '/api/annotation', { startTime: 1388450562123, description: 'fine' });
    assert.equal(fine.json().startTime, 1388450562123);
    assert.equal((await call(h.base, 'GET', '/api/annotation', { startTime: 1388450562123 })).json().description, 'fine');
    // Query-string times are cut to seconds (OpenTSDB divides by 1000), including ms and dates.
    const qs = await get('/api/annotation?start_time=1388450562999&description=cut&method_override=post');
    assert.equal(qs.json().startTime, 1388450562);
    const date = await get('/api/annotation?start_time=2012/02/02-00:00:00&method_override=get');
    assert.equal(date.json().description, 'Description');
  });

  it('TSUIDs are hex, either case, odd lengths padded; bad hex is 400', async () => {
    const lower = await get(`/api/annotation?tsuid=${TSUID.toLowerCase()}&start_time=1388450562`);
    assert.equal(lower.status, 200);
    await call(h.base, 'POST', '/api/annotation', { tsuid: 'ABC', startTime: 1400000000, description: 'odd' });
    assert.equal((await get('/api/annotation?tsuid=0abc&start_time=1400000000')).json().description, 'odd');
    const bad = await call(h.base, 'POST', '/api/annotation', { tsuid: 'XYZ', startTime: 1400000000, description: 'bad' });
    assertError(bad, 400, 'contains illegal character for hexBinary: XYZ');
  });

  it('bulk POST merges, skips unchanged elements, PUT replaces', async () => {
    const res = await call(h.base, 'POST', '/api/annotation/bulk', [
      { tsuid: TSUID, startTime: 1388450562, description: 'bulk' },
      { tsuid: TSUID, startTime: 1388450563 },
      { startTime: 1400000000, notes: 'new global', unknownField: 1 },
    ]);
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.length, 2);
    assert.equal(body[0].description, 'bulk');
    assert.equal(body[0].notes, 'My Notes');
    assert.equal(body[1].notes, 'new global');
    const unchanged = await call(h.base, 'POST', '/api/annotation/bulk', [{ startTime: 1400000000 }]);
    assert.equal(unchanged.status, 200);
    assert.equal(unchanged.text, '[]');
    const put = await call(h.base, 'PUT', '/api/annotation/bulk', [{ tsuid: TSUID, startTime: 1388450562, description: 'replaced' }]);
    assert.equal(put.json()[0].notes, '');
  });

  it('bulk delete: inclusive ms range, global by presence, relative times, default end now', async () => {
    const exact = await call(h.base, 'DELETE', '/api/annotation/bulk', { global: true, startTime: 1328140800000, endTime: 1328140800000 });
    assert.equal(exact.json().totalDeleted, 1);
    const byPresence = await call(h.base, 'DELETE', '/api/annotation/bulk?start_time=1328140000&global=false');
    assert.equal(byPresence.json().totalDeleted, 1);
    assert.equal(byPresence.json().global, true);
    const csv = await call(h.base, 'DELETE', `/api/annotation/bulk?start_time=10y-ago&tsuids=${TSUID},000002000001000001`);
    // `10y-ago` is now minus 3650 days: count the fixture notes (2013) that fall after it.
    const startMs = Date.now() - 3650 * 86_400_000;
    const expected = [1388450562000, 1388450563000].filter((t) => t >= startMs).length;
    assert.equal(csv.json().totalDeleted, expected);
    assert.deepEqual(csv.json().tsuids, [TSUID, '000002000001000001']);
    const zero = await call(h.base, 'DELETE', '/api/annotation/bulk', { tsuids: ['0A'], startTime: 1 });
    assert.equal(zero.status, 200);
    assert.equal(zero.json().totalDeleted, 0);
  });

  it('/api/annotations lists globals in range (end unset or within), and a TSUID as an extension', async () => {
    await h.annotations.write({ tsuid: '', startTime: 1328140802, description: 'open-ended' }, 'replace');
    await h.annotations.write({ tsuid: '', startTime: 1328140802500, endTime: 1328150000, description: 'ends late' }, 'replace');
    const all = await get('/api/annotations?start_time=1328140000&end_time=1328140900');
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.json().map((n: { description: string }) => n.description),
      ['Description', 'Global 2', 'open-ended'],
    );
    const none = await get('/api/annotations?start_time=1000&end_time=2000');
    assert.equal(none.text, '[]');
    const toNow = await get('/api/annotations?start_time=1328140801');
    assert.equal(toNow.json().length, 3);
    const local = await get(`/api/annotations?start_time=1388450000&tsuid=${TSUID}&end_time=1419984000`);
    assert.deepEqual(
      local.json().map((n: { startTime: number }) => n.startTime),
      [1388450562, 1388450563],
    );
    assertError(await get('/api/annotations'), 400, 'Missing start time');
    assertError(await call(h.base, 'POST', '/api/annotations', { startTime: 1 }), 405, 'Method not allowed', 'The HTTP method [POST] is not permitted for this endpoint');
  });
});

describe('persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opentsdb-ann-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('annotations survive a restart of the server', async () => {
    const path = join(dir, 'meta.db');
    const first = await startHarness(path);
    await call(first.base, 'POST', '/api/annotation', { tsuid: TSUID, startTime: 1388450562, description: 'kept', custom: { k: 'v' } });
    await first.close();
    const second = await startHarness(path);
    try {
      const res = await call(second.base, 'GET', `/api/annotation?tsuid=${TSUID}&start_time=1388450562`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json().custom, { k: 'v' });
      assert.equal(res.json().description, 'kept');
    } finally {
      await second.close();
    }
  });
});

describe('A8 small endpoints', () => {
  it('/api/version has string values only; other verbs are 405', async () => {
    const res = await get('/api/version');
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.version, '2.4.1');
    for (const key of ['version', 'short_revision', 'full_revision', 'timestamp', 'repo_status', 'user', 'host', 'repo', 'branch']) {
      assert.equal(typeof body[key], 'string', key);
    }
    assert.equal((await call(h.base, 'DELETE', '/api/version')).status, 405);
  });

  it('/api/aggregators, /api/config and /api/config/filters (what Grafana reads)', async () => {
    const aggs = (await get('/api/aggregators')).json();
    assert.ok(aggs.includes('sum') && aggs.includes('avg') && aggs.includes('none'));
    assert.deepEqual(aggs, [...aggs].sort());
    const config = (await get('/api/config')).json();
    assert.ok(Object.values(config).every((v) => typeof v === 'string'));
    assert.equal(config['tsd.storage.uid.width.metric'], '3');
    const filters = (await get('/api/config/filters')).json();
    assert.deepEqual(Object.keys(filters).sort(), ['iliteral_or', 'iwildcard', 'literal_or', 'not_iliteral_or', 'not_literal_or', 'regexp', 'wildcard']);
  });

  it('without a series store, /api/suggest and /api/query are unknown endpoints', async () => {
    assert.equal((await get('/api/suggest?type=metrics')).status, 404);
    assert.equal((await get('/api/query?start=1h-ago&m=sum:x')).status, 404);
  });
});
