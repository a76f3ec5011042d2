import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch, PatchError } from './json-patch.ts';

const doc = { id: 'h', kind: 'post', options: { url: 'u', headers: { a: '1' } }, list: [1, 2] };

test('add, remove, replace, move, copy and test (RFC 6902 examples)', () => {
  const out = applyJsonPatch(doc, [
    { op: 'add', path: '/options/headers/b', value: '2' },
    { op: 'remove', path: '/options/headers/a' },
    { op: 'replace', path: '/kind', value: 'tcp' },
    { op: 'add', path: '/list/-', value: 3 },
    { op: 'add', path: '/list/0', value: 0 },
    { op: 'move', from: '/options/url', path: '/url' },
    { op: 'copy', from: '/url', path: '/options/url' },
    { op: 'test', path: '/kind', value: 'tcp' },
  ]);
  assert.deepEqual(out, { id: 'h', kind: 'tcp', options: { headers: { b: '2' }, url: 'u' }, list: [0, 1, 2, 3], url: 'u' });
  assert.deepEqual(doc.options.headers, { a: '1' }, 'the input is not modified');
  assert.deepEqual(applyJsonPatch({ 'a/b': 1, 'c~d': 2 }, [{ op: 'remove', path: '/a~1b' }, { op: 'remove', path: '/c~0d' }]), {});
});

test('failures are PatchErrors and leave nothing half-applied', () => {
  for (const ops of [
    [{ op: 'remove', path: '/nope' }],
    [{ op: 'replace', path: '/nope', value: 1 }],
    [{ op: 'test', path: '/kind', value: 'tcp' }],
    [{ op: 'add', path: '/list/9', value: 1 }],
    [{ op: 'jump', path: '/kind' }],
    [{ op: 'add', path: 'kind', value: 1 }],
    { op: 'add' },
  ]) {
    assert.throws(() => applyJsonPatch(doc, ops), PatchError, JSON.stringify(ops));
  }
  assert.equal(doc.kind, 'post');
});
