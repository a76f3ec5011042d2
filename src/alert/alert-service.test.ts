import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteMetaStore } from '../meta/sqlite-meta-store.ts';
import { alertConfig } from './alert-config.ts';
import { AlertService, Inhibitor } from './alert-service.ts';
import type { AlertEvent } from './event.ts';
import { CRITICAL, type Level, OK, WARNING } from './level.ts';

function ev(topic: string, id: string, level: Level, ms = 1000): AlertEvent {
  return {
    topic,
    state: { id, message: `${id} ${level}`, details: 'd', time: { ms, ns: 7 }, duration: 5e9, level },
    data: { name: 'cpu', taskName: 't', category: '', group: '', tags: { host: 'a' }, fields: {}, recoverable: true, series: [] },
    previousLevel: OK,
  };
}

function service(meta: SqliteMetaStore, sections: Record<string, unknown> = {}, errors: string[] = []): AlertService {
  return new AlertService({ meta, config: alertConfig(sections), logger: { log: (_l, m, c) => errors.push(`${m} ${c.error ?? ''}`) } });
}

test('non-OK event states and handler specs are persisted; recoveries clear them; reopen restores both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alert-svc-'));
  try {
    let meta = new SqliteMetaStore({ path: join(dir, 'm.db') });
    let svc = service(meta);
    await svc.open();
    await svc.createHandler('ops', { id: 'p', kind: 'publish', options: { topics: ['copy'] } });
    svc.collect(ev('ops', 'a', CRITICAL));
    svc.collect(ev('ops', 'b', WARNING));
    svc.collect(ev('ops', 'b', OK));
    await svc.close();
    await meta.close();

    meta = new SqliteMetaStore({ path: join(dir, 'm.db') });
    svc = service(meta);
    await svc.open();
    assert.deepEqual(svc.eventState('ops', 'a'), {
      id: 'a',
      message: `a ${CRITICAL}`,
      details: 'd',
      time: { ms: 1000, ns: 7 },
      duration: 5e9,
      level: CRITICAL,
    });
    assert.equal(svc.eventState('ops', 'b'), undefined, 'the recovery removed b from the store');
    assert.equal(svc.eventState('copy', 'a')?.level, CRITICAL, 'the publish handler copied a');
    assert.deepEqual(
      svc.listHandlers('ops', '').map((h) => h.id),
      ['p'],
    );
    assert.deepEqual(
      svc.topicStates('', OK).map((t) => [t.id, t.level]),
      [
        ['copy', CRITICAL],
        ['ops', CRITICAL],
      ],
    );
    await svc.close();
    await meta.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('previousLevel comes from the topic; collected counts; persist-topics=false keeps nothing', async () => {
  const meta = new SqliteMetaStore({ path: ':memory:' });
  const svc = service(meta, { alert: { 'persist-topics': false } });
  await svc.open();
  const seen: AlertEvent[] = [];
  svc.onEvent = async (e) => void seen.push(e);
  svc.collect(ev('t', 'x', WARNING));
  svc.collect(ev('t', 'x', CRITICAL));
  await svc.idle();
  assert.deepEqual(
    seen.map((e) => e.previousLevel),
    [OK, WARNING],
  );
  assert.equal(svc.topicState('t').collected, 2);
  assert.equal(await meta.documents('alert-events').count(), 0);
  await svc.close();
  await meta.close();
});

test('inhibitors cover their category and equal tags only while inhibited', () => {
  const meta = new SqliteMetaStore({ path: ':memory:' });
  const svc = service(meta);
  const i = new Inhibitor('app', { host: 'a' });
  svc.addInhibitor(i);
  assert.equal(svc.isInhibited('app', { host: 'a' }), false);
  i.inhibited = true;
  assert.equal(svc.isInhibited('app', { host: 'a', dc: 'x' }), true);
  assert.equal(svc.isInhibited('app', { host: 'b' }), false);
  assert.equal(svc.isInhibited('other', { host: 'a' }), false);
  assert.equal(svc.isInhibited('', { host: 'a' }), false);
  svc.removeInhibitor(i);
  assert.equal(svc.isInhibited('app', { host: 'a' }), false);
  void meta.close();
});

test('a failing handler is logged and does not stop the next one; bad match expressions are refused', async () => {
  const meta = new SqliteMetaStore({ path: ':memory:' });
  const errors: string[] = [];
  const svc = service(meta, {}, errors);
  await svc.open();
  await svc.createHandler('t', { id: 'bad', kind: 'tcp', options: { address: '127.0.0.1:1' } });
  await svc.createHandler('t', { id: 'pub', kind: 'publish', options: { topics: ['out'] } });
  svc.collect(ev('t', 'x', CRITICAL));
  await svc.idle();
  assert.ok(errors.some((e) => e.startsWith('tcp handler failed')));
  assert.equal(svc.eventState('out', 'x')?.level, CRITICAL);
  await assert.rejects(
    svc.createHandler('t', { id: 'm', kind: 'publish', options: { topics: ['x'] }, match: 'level() > HIGH' }),
    /failed to create handler: invalid match expression: unknown identifier "HIGH"/,
  );
  await svc.close();
  await meta.close();
});
