// An alert node's .post().endpoint(name) through a listening server: the `[[httppost]]` endpoint is the
// one httpPost reads (basic auth, alert-template-file, URL template over the alert data).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpReceiver } from './support/http-receiver.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const T0 = 1_600_000_000;
const dir = mkdtempSync(join(tmpdir(), 'alert-httppost-'));
const receiver = new HttpReceiver();
let srv: TestServer;

before(async () => {
  await receiver.start();
  const template = join(dir, 'alert.tmpl');
  writeFileSync(template, '{{ .ID }} went {{ .Level }}');
  srv = await startTestServer({
    configure: (config) => {
      config.sections.httppost = [
        {
          endpoint: 'ops',
          url: `${receiver.url}/ops/{{ .Level }}`,
          headers: { 'X-Team': 'ops' },
          'basic-auth': { username: 'bob', password: 'secret' },
          'alert-template-file': template,
        },
      ];
    },
  });
});

after(async () => {
  await srv.stop();
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert .post().endpoint()', () => {
  it('posts the endpoint template body with its basic auth and headers to its rendered URL', async () => {
    const script = `stream|from().measurement('cpu')|alert().id('cpu-high').crit(lambda: "value" > 90.0).post().endpoint('ops').header('X-Extra', '1')`;
    const res = await fetch(`${srv.url}/kapacitor/v1/tasks`, {
      method: 'POST',
      body: JSON.stringify({ id: 'cpu', dbrps: [{ db: 'db', rp: 'rp' }], script, status: 'enabled' }),
    });
    assert.equal(res.status, 200, await res.text());
    const write = await fetch(`${srv.url}/write?db=db&rp=rp&precision=s`, { method: 'POST', body: `cpu value=95 ${T0}` });
    assert.equal(write.status, 204);
    const [got] = await receiver.at('/ops/CRITICAL');
    assert.ok(got, 'the alert reached the endpoint URL rendered over the alert data');
    assert.equal(got.body, 'cpu-high went CRITICAL');
    assert.equal(got.headers.authorization, `Basic ${Buffer.from('bob:secret').toString('base64')}`);
    assert.equal(got.headers['x-team'], 'ops');
    assert.equal(got.headers['x-extra'], '1');
  });
});
