// [[httppost]] reading: Kapacitor's required keys and template rules.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readHttpPostSection } from './httppost-section.ts';

test('reads endpoints with headers, basic auth and templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'httppost-'));
  try {
    const file = join(dir, 'row.tmpl');
    writeFileSync(file, '{{ .Name }}');
    const [e] = readHttpPostSection([
      {
        endpoint: 'hook',
        url: 'http://x/{{ .Name }}',
        headers: { 'X-A': '1' },
        'basic-auth': { username: 'u', password: 'p' },
        'row-template-file': file,
        'alert-template': '{{ .ID }}',
      },
    ]);
    assert.deepEqual(e, {
      endpoint: 'hook',
      url: 'http://x/{{ .Name }}',
      headers: { 'X-A': '1' },
      basicAuth: { username: 'u', password: 'p' },
      alertTemplate: '{{ .ID }}',
      rowTemplate: '{{ .Name }}',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('basic auth needs both parts; absent sections are empty', () => {
  assert.deepEqual(readHttpPostSection(undefined), []);
  const [e] = readHttpPostSection([{ endpoint: 'a', url: 'http://x', 'basic-auth': { username: 'u' } }]);
  assert.equal(e.basicAuth, undefined);
});

test('rejects what Kapacitor rejects, naming the entry', () => {
  const bad: [unknown, RegExp][] = [
    [{ url: 'http://x' }, /#1: must specify endpoint name/],
    [{ endpoint: 'a' }, /\(a\): must specify url/],
    [{ endpoint: 'a', url: 'not a url' }, /invalid URL "not a url"/],
    [{ endpoint: 'a', url: 'http://x', 'row-template': 'x', 'row-template-file': '/t' }, /only one of row-template and row-template-file/],
    [{ endpoint: 'a', url: 'http://x', 'alert-template-file': 'rel.tmpl' }, /absolute path for alert-template-file/],
    [{ endpoint: 'a', url: 'http://x', 'row-template-file': '/nonexistent/t.tmpl' }, /failed to read template file/],
    [{ endpoint: 'a', url: 'http://x', headers: { A: 1 } }, /headers\.A must be a string/],
    [{ endpoint: 'a', url: 'http://x', urls: [] }, /urls: unknown setting/],
  ];
  for (const [entry, message] of bad) assert.throws(() => readHttpPostSection([entry]), message);
  assert.throws(
    () =>
      readHttpPostSection([
        { endpoint: 'a', url: 'http://x' },
        { endpoint: 'a', url: 'http://y' },
      ]),
    /endpoint "a" is defined twice/,
  );
  assert.throws(() => readHttpPostSection({ endpoint: 'a' }), /must be an array of tables/);
});
