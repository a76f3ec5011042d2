// The composed server serves the alerts API and keeps topic handlers across a restart.

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer({
    configure: (c) => {
      c.sections.alert = { 'exec-allowed': ['/bin/true'] };
    },
  });
});
after(() => t.stop());

it('topic handlers created over HTTP survive a restart; exec follows [alert] exec-allowed', async () => {
  const create = await fetch(`${t.url}/kapacitor/v1/alerts/topics/cpu/handlers`, {
    method: 'POST',
    body: JSON.stringify({ id: 'run', kind: 'exec', options: { prog: '/bin/true', args: [] }, match: 'level() > OK' }),
  });
  assert.equal(create.status, 200, await create.clone().text());
  const refused = await fetch(`${t.url}/kapacitor/v1/alerts/topics/cpu/handlers`, {
    method: 'POST',
    body: JSON.stringify({ id: 'sh', kind: 'exec', options: { prog: '/bin/sh' } }),
  });
  assert.equal(refused.status, 500);
  assert.match((await readJson(refused)).error, /^failed to create handler: exec handler: program "\/bin\/sh" is not allowed/);
  t = await t.restart();
  const got = await fetch(`${t.url}/kapacitor/v1/alerts/topics/cpu/handlers/run`);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('x-kapacitor-version') !== null, true);
  assert.deepEqual(await readJson(got), {
    link: { rel: 'self', href: '/kapacitor/v1/alerts/topics/cpu/handlers/run' },
    id: 'run',
    kind: 'exec',
    options: { prog: '/bin/true', args: [] },
    match: 'level() > OK',
  });
  const topics = await readJson(await fetch(`${t.url}/kapacitor/v1/alerts/topics`));
  assert.deepEqual(
    topics.topics.map((x: { id: string; level: string }) => [x.id, x.level]),
    [['cpu', 'OK']],
  );
  const preview = await fetch(`${t.url}/kapacitor/v1preview/alerts/topics?pattern=c*`);
  assert.equal(preview.status, 200);
  assert.equal((await readJson(preview)).link.href, '/kapacitor/v1/alerts/topics?pattern=c*');
});
