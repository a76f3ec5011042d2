import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ManualClock } from '../core/time.ts';
import { SqliteMetaStore } from '../meta/sqlite-meta-store.ts';
import { renderDot } from '../tick/dot.ts';
import { TaskRequestError } from './errors.ts';
import { type JsonValue, parseJsonExact } from './json-body.ts';
import type { StartTaskRequest, TaskExecutor, TaskHandle } from './task-executor.ts';
import { ALL_TASK_FIELDS, ALL_TEMPLATE_FIELDS, TaskService } from './task-service.ts';

const dir = mkdtempSync(join(tmpdir(), 'tasks-service-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** An executor that records starts and can be told to refuse a task. */
class FakeExecutor implements TaskExecutor {
  readonly running = new Map<string, StartTaskRequest>();
  readonly starts: string[] = [];
  refuse = new Set<string>();
  start(req: StartTaskRequest): TaskHandle {
    if (this.refuse.has(req.id)) throw new Error(`cannot start ${req.id}`);
    this.running.set(req.id, req);
    this.starts.push(req.id);
    return this.get(req.id)!;
  }
  stop(id: string): void {
    this.running.delete(id);
  }
  get(id: string): TaskHandle | undefined {
    const req = this.running.get(id);
    if (!req) return undefined;
    return {
      dot: () => renderDot(id, req.pipeline, { stats: { throughput: 0, nodes: new Map(), edges: new Map() } }),
      stats: () => ({ 'task-stats': { throughput: 0 }, 'node-stats': {} }),
    };
  }
}

function setup(executor?: FakeExecutor) {
  const path = join(dir, `meta-${n++}.db`);
  const meta = new SqliteMetaStore({ path });
  const clock = new ManualClock({ ms: Date.UTC(2024, 4, 1, 10), ns: 123 });
  const service = new TaskService({ meta, clock, ...(executor ? { executor } : {}) });
  return { service, meta, clock, path };
}

function body(o: unknown): JsonValue {
  return parseJsonExact(JSON.stringify(o));
}

async function rejects(p: Promise<unknown>, message: string, status = 400): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.equal((err as Error).message, message);
    const kind = (err as { kind?: string }).kind;
    assert.equal(kind === 'invalid' ? 400 : kind === 'not_found' ? 404 : 500, status);
    return true;
  });
}

const SCRIPT = "stream\n    |from()\n        .measurement('cpu')\n";

test('create: defaults, formatted script, static DOT, zero last-enabled', async () => {
  const { service } = setup();
  const t = await service.createTask(body({ id: 'cpu', script: "stream|from().measurement('cpu')", dbrps: [{ db: 'telegraf', rp: 'autogen' }] }));
  assert.equal(t.status, 'disabled');
  assert.equal(t.executing, false);
  assert.equal(t.script, SCRIPT);
  assert.equal(t.dot, 'digraph cpu {\nstream0 -> from1;\n}');
  assert.equal(t['last-enabled'], '0001-01-01T00:00:00Z');
  assert.equal(t.created, '2024-05-01T10:00:00.000000123Z');
  assert.deepEqual(t.stats, {});
  assert.deepEqual(Object.keys(t), [
    'link', 'id', 'template-id', 'type', 'dbrps', 'script', 'vars', 'dot', 'status', 'executing', 'error', 'stats', 'created', 'modified', 'last-enabled',
  ]);
});

test('create: every validation step with its exact text', async () => {
  const { service } = setup();
  await rejects(service.createTask(body({ id: 'a b', script: SCRIPT })), `task ID must contain only letters, numbers, '-', '.' and '_'. "a b"`);
  await rejects(service.createTask(body({ id: 'x' })), 'must provide TICKscript');
  await rejects(service.createTask(body({ id: 'x', 'template-id': 'nope' })), 'unknown template nope: err: no template exists');
  await rejects(service.createTask(body({ id: 'x', script: 'stream|from(' })), 'invalid TICKscript: parser: unexpected EOF line 1 char 13 in "ream|from(". expected: "number","string","duration","identifier","TRUE","FALSE","==","(","-","!"',);
  await rejects(service.createTask(body({ id: 'x', script: 'var a = 1' })), 'invalid task type: invalid');
  await rejects(
    service.createTask(body({ id: 'x', script: 'stream|from().foo()', dbrps: [{ db: 'a', rp: 'b' }] })),
    'invalid TICKscript: line 1 char 15: no method or property "foo" on *pipeline.FromNode',
  );
  await rejects(service.createTask(body({ id: 'x', script: 'var s = stream', dbrps: [{ db: 'a', rp: 'b' }] })), 'invalid TICKscript: task does nothing');
  await rejects(service.createTask(body({ id: 'x', script: SCRIPT })), 'must specify dbrp');
  await rejects(
    service.createTask(body({ id: 'x', script: `dbrp "a"."b"\n${SCRIPT}`, dbrps: [{ db: 'a', rp: 'b' }] })),
    'cannot specify dbrp in both implicitly and explicitly',
  );
  await rejects(service.createTask(body({ id: 'x', script: SCRIPT, vars: { v: { type: 'int', value: 'x' } } })), 'invalid JSON');
  await rejects(
    service.createTask(body({ id: 'x', script: SCRIPT, vars: { v: { type: 'string', value: true } } })),
    'invalid var v: mismatched type and value: bool string',
  );
  await service.createTask(body({ id: 'x', script: SCRIPT, dbrps: [{ db: 'a', rp: 'b' }] }));
  await rejects(service.createTask(body({ id: 'x', script: SCRIPT, dbrps: [{ db: 'a', rp: 'b' }] })), 'task x already exists');
});

test('hints accompany the exact texts', async () => {
  const { service } = setup();
  await assert.rejects(service.createTask(body({ id: 'x', script: SCRIPT })), (err: unknown) => {
    assert.ok(err instanceof TaskRequestError);
    assert.match(err.hint ?? '', /dbrp "telegraf"\."autogen"/);
    return true;
  });
  await assert.rejects(
    service.createTask(body({ id: 'y', script: 'stream|from().measurment(\'cpu\')', dbrps: [{ db: 'a', rp: 'b' }] })),
    (err: unknown) => {
      assert.ok(err instanceof TaskRequestError);
      assert.equal(err.hint, 'did you mean "measurement"?');
      assert.deepEqual(err.position, { line: 1, char: 15 });
      return true;
    },
  );
});

test('implicit dbrps, vars round trip with exact int64 and durations', async () => {
  const { service } = setup();
  const t = await service.createTask(
    parseJsonExact(
      JSON.stringify({ id: 'v', script: `dbrp "db"."rp"\nvar n int\nvar d duration\n${SCRIPT}` }).replace(
        '"script"',
        '"vars": {"n": {"type": "int", "value": 9223372036854775807}, "d": {"type": "duration", "value": "90s"}, "l": {"type": "list", "value": [{"type": "string", "value": "a"}, {"type": "star", "value": null}]}}, "script"',
      ),
    ),
  );
  assert.deepEqual(t.dbrps, [{ db: 'db', rp: 'rp' }]);
  const vars = t.vars as Record<string, { type: string; value: unknown }>;
  assert.equal(vars.n!.value, 9223372036854775807n);
  assert.equal(vars.d!.value, 90_000_000_000n);
  assert.deepEqual(vars.l!.value, [
    { type: 'string', value: 'a', description: '' },
    { type: 'star', value: null, description: '' },
  ]);
});

test('list: glob pattern, fields, offset, limit, byte order of ids', async () => {
  const { service } = setup();
  for (const id of ['b1', 'a2', 'a1', 'c']) await service.createTask(body({ id, script: SCRIPT, dbrps: [{ db: 'd', rp: 'r' }] }));
  const all = await service.listTasks({});
  assert.deepEqual(all.tasks.map((t) => t.id), ['a1', 'a2', 'b1', 'c']);
  assert.equal(all.tasks[0]!.stats, null);
  assert.equal('template-id' in all.tasks[0]!, false);
  const some = await service.listTasks({ pattern: 'a*', fields: ['status'] });
  assert.deepEqual(some.tasks, [
    { id: 'a1', link: { rel: 'self', href: '/kapacitor/v1/tasks/a1' }, status: 'disabled' },
    { id: 'a2', link: { rel: 'self', href: '/kapacitor/v1/tasks/a2' }, status: 'disabled' },
  ]);
  const page = await service.listTasks({ offset: 1, limit: 2, fields: ['id'] });
  assert.deepEqual(page.tasks.map((t) => t.id), ['a2', 'b1']);
  await rejects(service.listTasks({ fields: ['nope'] }), 'unsupported field "nope"');
  await rejects(service.listTasks({ pattern: '[' }), 'failed to list tasks with pattern "[": syntax error in pattern');
  assert.deepEqual((await service.listTasks({ pattern: '?1' })).tasks.map((t) => t.id), ['a1', 'b1']);
});

test('enable, disable, executing DOT, restart after reopen', async () => {
  const exec = new FakeExecutor();
  const { service, meta, path, clock } = setup(exec);
  await service.createTask(body({ id: 't', script: SCRIPT, dbrps: [{ db: 'd', rp: 'r' }] }));
  clock.advance(1e9);
  const on = await service.updateTask('t', body({ status: 'enabled' }));
  assert.equal(on.executing, true);
  assert.equal(on['last-enabled'], '2024-05-01T10:00:01.000000123Z');
  assert.match(String(on.dot), /^digraph t {\ngraph \[throughput="0.00 points\/s"\];/);
  assert.deepEqual(exec.starts, ['t']);
  assert.deepEqual(service.counts(), { total: 1, enabled: 1 });
  await meta.close();
  const exec2 = new FakeExecutor();
  const reopened = new TaskService({ meta: new SqliteMetaStore({ path }), clock, executor: exec2 });
  await reopened.open();
  assert.deepEqual(exec2.starts, ['t']);
  assert.deepEqual(reopened.counts(), { total: 1, enabled: 1 });
  const off = await reopened.updateTask('t', body({ status: 'disabled' }));
  assert.equal(off.executing, false);
  assert.equal(exec2.running.size, 0);
});

test('without an executor, enabled tasks are stored but not executing', async () => {
  const { service } = setup();
  const t = await service.createTask(body({ id: 'e', script: SCRIPT, dbrps: [{ db: 'd', rp: 'r' }], status: 'enabled' }));
  assert.equal(t.status, 'enabled');
  assert.equal(t.executing, false);
});

test('a start failure is a 500 and the task keeps the error', async () => {
  const exec = new FakeExecutor();
  exec.refuse.add('bad');
  const { service } = setup(exec);
  await rejects(service.createTask(body({ id: 'bad', script: SCRIPT, dbrps: [{ db: 'd', rp: 'r' }], status: 'enabled' })), 'cannot start bad', 500);
  const t = await service.getTask('bad', 'formatted', 'attributes');
  assert.equal(t.error, 'cannot start bad');
});

test('patch: 404, rename, script swap keeps implicit dbrps rule, vars replace', async () => {
  const { service } = setup();
  await rejects(service.updateTask('none', body({})), 'task does not exist, cannot update', 404);
  await service.createTask(body({ id: 'p', script: `dbrp "a"."b"\n${SCRIPT}` }));
  await rejects(service.updateTask('p', body({ script: SCRIPT })), 'must specify dbrp');
  const swapped = await service.updateTask('p', body({ script: SCRIPT, dbrps: [{ db: 'x', rp: 'y' }] }));
  assert.deepEqual(swapped.dbrps, [{ db: 'x', rp: 'y' }]);
  const renamed = await service.updateTask('p', body({ id: 'q' }));
  assert.equal(renamed.id, 'q');
  await rejects(service.getTask('p', 'raw', 'attributes'), 'no task exists', 404);
  await service.deleteTask('q');
  await service.deleteTask('q');
  assert.deepEqual(service.counts(), { total: 0, enabled: 0 });
});

test('templates: create, vars with defaults, tasks from templates, update re-applies, rollback on failure', async () => {
  const exec = new FakeExecutor();
  const { service } = setup(exec);
  const tmplScript = "// which field\nvar field string\nvar crit = 90\nstream|from().measurement('cpu')|alert().crit(lambda: \"f\" > crit)";
  const tmpl = await service.createTemplate(body({ id: 'tpl', script: tmplScript }));
  assert.equal(tmpl.type, 'stream');
  assert.deepEqual(tmpl.vars, {
    crit: { type: 'int', value: 90n, description: '' },
    field: { type: 'string', value: null, description: 'which field' },
  });
  await rejects(service.createTemplate(body({ id: 'tpl', script: tmplScript })), 'template tpl already exists');
  const a = await service.createTask(
    body({ id: 'a', 'template-id': 'tpl', dbrps: [{ db: 'd', rp: 'r' }], status: 'enabled', vars: { field: { type: 'string', value: 'x' } } }),
  );
  assert.equal(a['template-id'], 'tpl');
  assert.equal(a.executing, true);
  await rejects(
    service.createTask(body({ id: 'b', 'template-id': 'tpl', dbrps: [{ db: 'd', rp: 'r' }] })),
    'invalid TICKscript: missing value for var "field".',
  );
  const updated = await service.updateTemplate('tpl', body({ script: tmplScript.replace("'cpu'", "'mem'") }));
  assert.match(String(updated.script), /'mem'/);
  const task = await service.getTask('a', 'raw', 'attributes');
  assert.match(String(task.script), /'mem'/);
  assert.deepEqual(exec.starts, ['a', 'a']);
  exec.refuse.add('a');
  await rejects(
    service.updateTemplate('tpl', body({ script: tmplScript.replace("'cpu'", "'disk'") })),
    'error reloading associated task a: cannot start a',
    500,
  );
  exec.refuse.clear();
  assert.match(String((await service.getTask('a', 'raw', 'attributes')).script), /'mem'/);
  assert.match(String((await service.getTemplate('tpl', 'raw')).script), /'mem'/);
  await rejects(service.updateTemplate('zzz', body({})), 'template does not exist, cannot update', 404);
  const list = await service.listTemplates({ fields: ['vars'] });
  assert.deepEqual(Object.keys(list.templates[0]!), ['id', 'link', 'vars']);
  await service.deleteTemplate('tpl');
  await rejects(service.getTemplate('tpl', 'raw'), 'no template exists', 404);
});

test('vars of every type override script declarations; wire form as Kapacitor prints it', async () => {
  const { service } = setup();
  const script = [
    'var b bool',
    'var i int',
    'var f float',
    'var d duration',
    'var s string',
    'var r regex',
    'var l lambda',
    'var li list',
    'var st star',
    "stream|from().measurement(s).groupBy(li).where(l)|window().period(d).every(d)|alert().crit(lambda: \"v\" > f AND \"host\" =~ r).history(i).noRecoveries()",
  ].join('\n');
  const t = await service.createTask(
    parseJsonExact(`{"id": "all", "dbrps": [{"db": "a", "rp": "b"}], "script": ${JSON.stringify(script)}, "vars": {
      "b": {"type": "bool", "value": true},
      "i": {"type": "int", "value": 30},
      "f": {"type": "float", "value": 1.5},
      "d": {"type": "duration", "value": 60000000000},
      "s": {"type": "string", "value": "cpu"},
      "r": {"type": "regex", "value": "^web"},
      "l": {"type": "lambda", "value": "\\"cpu\\" == 'cpu-total'"},
      "li": {"type": "list", "value": [{"type": "string", "value": "host"}]},
      "st": {"type": "star", "value": null}
    }}`),
  );
  assert.equal(t.error, '');
  assert.equal(t.dot, 'digraph all {\nstream0 -> from1;\nfrom1 -> window2;\nwindow2 -> alert3;\n}');
  assert.deepEqual(t.vars, {
    b: { type: 'bool', value: true, description: '' },
    d: { type: 'duration', value: 60000000000n, description: '' },
    f: { type: 'float', value: 1.5, description: '' },
    i: { type: 'int', value: 30n, description: '' },
    l: { type: 'lambda', value: `"cpu" == 'cpu-total'`, description: '' },
    li: { type: 'list', value: [{ type: 'string', value: 'host', description: '' }], description: '' },
    r: { type: 'regex', value: '^web', description: '' },
    s: { type: 'string', value: 'cpu', description: '' },
    st: { type: 'star', value: null, description: '' },
  });
  await rejects(
    service.createTask(
      body({ id: 'wrong', dbrps: [{ db: 'a', rp: 'b' }], script: 'var i int\nstream|from()', vars: { i: { type: 'float', value: 1.5 } } }),
    ),
    'invalid TICKscript: invalid type supplied for i, got float exp int',
  );
  await rejects(
    service.createTask(body({ id: 'bad', dbrps: [{ db: 'a', rp: 'b' }], script: 'stream|from()', vars: { x: { type: 'nope', value: 1 } } })),
    'invalid JSON',
  );
});

test('list items: every field of tasks and templates, omitted ones left out', async () => {
  const exec = new FakeExecutor();
  const { service } = setup(exec);
  await service.createTemplate(body({ id: 'tpl', script: "var crit = 90\nstream|from().measurement('cpu')|alert().crit(lambda: \"f\" > crit)" }));
  await service.createTask(body({ id: 'from-tpl', 'template-id': 'tpl', dbrps: [{ db: 'd', rp: 'r' }], status: 'enabled' }));
  await service.createTask(body({ id: 'plain', script: SCRIPT, dbrps: [{ db: 'd', rp: 'r' }], 'group-idle-timeout': '90s' }));
  const { tasks } = await service.listTasks({});
  const [fromTpl, plain] = tasks;
  assert.deepEqual(Object.keys(fromTpl!), [...ALL_TASK_FIELDS].sort());
  assert.equal(fromTpl!['template-id'], 'tpl');
  assert.equal(fromTpl!.executing, true);
  assert.deepEqual(fromTpl!.stats, { 'task-stats': { throughput: 0 }, 'node-stats': {} });
  assert.equal(fromTpl!.dot, exec.get('from-tpl')!.dot('attributes'));
  assert.deepEqual(Object.keys(plain!), [...ALL_TASK_FIELDS.filter((f) => f !== 'template-id')].sort());
  assert.equal(plain!.stats, null);
  assert.match(String(plain!.dot), /^digraph plain/);
  const extras = await service.listTasks({ fields: ['group-idle-timeout', 'dbrps', 'last-enabled', 'vars'] });
  assert.deepEqual(extras.tasks[1], {
    dbrps: [{ db: 'd', rp: 'r' }],
    'group-idle-timeout': '90s',
    id: 'plain',
    'last-enabled': '0001-01-01T00:00:00Z',
    link: { rel: 'self', href: '/kapacitor/v1/tasks/plain' },
    vars: {},
  });
  assert.equal('group-idle-timeout' in extras.tasks[0]!, false);

  const { templates } = await service.listTemplates({ scriptFormat: 'raw' });
  assert.deepEqual(Object.keys(templates[0]!), [...ALL_TEMPLATE_FIELDS].sort());
  assert.deepEqual(templates[0]!.link, { rel: 'self', href: '/kapacitor/v1/templates/tpl' });
  assert.match(String(templates[0]!.dot), /^digraph tpl/);
  const vars = await service.listTemplates({ fields: ['vars'] });
  assert.deepEqual(vars.templates[0]!.vars, { crit: { type: 'int', value: 90n, description: '' } });
  await rejects(service.listTemplates({ fields: ['status'] }), 'unsupported field "status"');
});
