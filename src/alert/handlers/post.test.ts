// The post handler reads `[[httppost]]` through the shared reader: basic auth, template files and URL
// templates behave as they do for httpPost nodes.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { alertConfig } from '../alert-config.ts';
import type { AlertEvent } from '../event.ts';
import { CRITICAL, OK } from '../level.ts';
import { postHandler } from './post.ts';

const dir = mkdtempSync(join(tmpdir(), 'alert-post-'));
const got: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const event: AlertEvent = {
  topic: 't',
  state: { id: 'cpu:host=a', message: 'hot', details: '', time: { ms: Date.UTC(2020, 0, 1), ns: 0 }, duration: 0, level: CRITICAL },
  data: { name: 'cpu', taskName: 'task', category: '', group: 'host=a', tags: { host: 'a' }, fields: { value: 9 }, recoverable: true, series: [] },
  previousLevel: OK,
};

describe('post handler with [[httppost]] endpoints', () => {
  it('sends basic auth, the alert-template-file body and the rendered URL template', async () => {
    const file = join(dir, 'alert.tmpl');
    writeFileSync(file, '{{ .ID }} is {{ .Level }}');
    const env = {
      config: alertConfig({
        httppost: [
          {
            endpoint: 'ops',
            url: `${base}/alerts/{{ .Level }}`,
            headers: { 'x-from': 'endpoint', 'X-Over': 'endpoint' },
            'basic-auth': { username: 'bob', password: 'secret' },
            'alert-template-file': file,
          },
        ],
      }),
      collect: () => {},
    };
    const h = postHandler({ endpoint: 'ops', headers: { 'x-over': 'handler' } }, env);
    await h.handle(event);
    const [req] = got.filter((g) => g.url === '/alerts/CRITICAL');
    assert.ok(req, 'the URL template was rendered over the alert data');
    assert.equal(req.body, 'cpu:host=a is CRITICAL');
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('bob:secret').toString('base64')}`);
    assert.equal(req.headers['x-from'], 'endpoint');
    assert.equal(req.headers['x-over'], 'handler', 'handler headers replace endpoint ones whatever their case');
    assert.notEqual(req.headers['content-type'], 'application/json', 'a template body sets no JSON content type');
  });

  it('rejects an invalid [[httppost]] as httpPost does', () => {
    assert.throws(() => alertConfig({ httppost: [{ endpoint: 'a', url: 'http://x', 'alert-template-file': 'rel.tmpl' }] }), /absolute path for alert-template-file/);
    assert.throws(() => alertConfig({ httppost: [{ endpoint: 'a' }] }), /must specify url/);
  });
});
