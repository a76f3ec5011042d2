import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TickEvalError } from './errors.ts';
import { compileTask, inferTaskType, parse } from './index.ts';
import { isDuration, isLambda, isStar, type Pipeline } from './pipeline.ts';
import { seed000 } from './testdata/seeds.ts';

function names(p: Pipeline): string[] {
  return p.nodes.map((n) => n.name);
}

function evalError(script: string, vars?: Parameters<typeof compileTask>[1]): TickEvalError {
  try {
    compileTask(script, vars);
  } catch (err) {
    assert.ok(err instanceof TickEvalError, `expected TickEvalError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an evaluation error');
}

test('seed 000: node names, ids and topological order as Kapacitor numbers them', () => {
  const { request } = seed000();
  const t = compileTask(request.script);
  assert.equal(t.type, 'stream');
  assert.deepEqual(names(t.pipeline), [
    'stream0',
    'from1',
    'eval2',
    'shift3',
    'join5',
    'eval6',
    'alert7',
    'http_out10',
    'eval8',
    'influxdb_out9',
  ]);
  const join = t.pipeline.nodes.find((n) => n.kind === 'join')!;
  assert.deepEqual(
    join.parents.map((p) => p.name),
    ['shift3', 'eval2'],
  );
  assert.deepEqual(join.props.as, ['past', 'current']);
  const from = t.pipeline.nodes[1]!;
  assert.equal(from.props.database, 'api');
  assert.equal(from.props.measurement, 'account_login');
  assert.deepEqual(from.props.groupBy, ['third_type']);
  const where = (from.props.where as unknown[][])[0]![0];
  assert.ok(isLambda(where as never));
  const alert = t.pipeline.nodes.find((n) => n.kind === 'alert')!;
  assert.equal(alert.props.id, 'dutianze-t-{{.Group}}');
  assert.equal(alert.props.stateChangesOnly, true);
  assert.equal(alert.props.levelTag, 'level');
  const out = t.pipeline.nodes.find((n) => n.kind === 'influxDBOut')!;
  assert.equal(out.provides, 'none');
  assert.equal(out.props.create, true);
  assert.deepEqual(out.props.tag, [
    ['alertName', 'dutianze-t'],
    ['triggerType', 'relative'],
  ]);
  const shift = t.pipeline.nodes.find((n) => n.kind === 'shift')!;
  assert.ok(isDuration(shift.props.shift));
  assert.equal((shift.props.shift as { ns: number }).ns, 600_000_000_000);
  assert.deepEqual(t.vars.crit, { type: 'int', value: 10n, description: '' });
});

test('typed property values: ints are bigint, floats number, star, influxql args', () => {
  const t = compileTask(
    "stream|from().groupBy(*)|window().period(1m).every(30s).align()|percentile('v', 95.0).as('p95')|top(3, 'p95', 'host')",
  );
  const [, from, window, pct, top] = t.pipeline.nodes;
  assert.ok(isStar((from!.props.groupBy as unknown[])[0] as never));
  assert.equal((window!.props.period as { ns: number }).ns, 60e9);
  assert.equal(window!.props.align, true);
  assert.equal(pct!.kind, 'percentile');
  assert.equal(pct!.desc, 'percentile');
  assert.equal(pct!.influxql, true);
  assert.deepEqual(pct!.args, ['v', 95]);
  assert.equal(pct!.props.as, 'p95');
  assert.deepEqual(top!.args, [3n, 'p95', 'host']);
  assert.equal(top!.provides, 'batch');
});

test('batch roots, queries with time dimensions and the batch type', () => {
  const t = compileTask("batch|query('SELECT mean(v) FROM cpu').period(5m).every(1m).groupBy(time(1m), 'host')|log()");
  assert.equal(t.type, 'batch');
  assert.deepEqual(names(t.pipeline), ['batch0', 'query1', 'log2']);
  assert.deepEqual(t.pipeline.nodes[1]!.props.groupBy, [{ type: 'time', every: 60e9 }, 'host']);
  assert.equal(t.pipeline.nodes[2]!.props.level, 'INFO');
});

test('type inference from roots: stream, batch, invalid when mixed or absent', () => {
  assert.equal(inferTaskType(parse('stream|from()')), 'stream');
  assert.equal(inferTaskType(parse("var b = batch|query('x')")), 'batch');
  assert.equal(inferTaskType(parse("stream|from()\nbatch|query('x')")), 'invalid');
  assert.equal(inferTaskType(parse('var x = 1')), 'invalid');
  assert.equal(evalError('var x = 1').message, 'invalid task type: invalid');
});

test('a script that only names the root does nothing', () => {
  assert.equal(evalError('var s = stream').message, 'task does nothing');
});

test('unknown property: Kapacitor text with position, and a hint', () => {
  const e = evalError("stream\n    |from()\n        .measurment('cpu')");
  assert.equal(e.message, 'line 3 char 10: no method or property "measurment" on *pipeline.FromNode');
  assert.deepEqual(e.position, { line: 3, char: 10 });
  assert.equal(e.hint, 'did you mean "measurement"?');
  const wrong = evalError('stream|from()|window().crit(lambda: TRUE)');
  assert.equal(wrong.message, 'line 1 char 24: no method or property "crit" on *pipeline.WindowNode');
  assert.equal(wrong.hint, '"crit" is not a property of window(); it belongs to alert()');
});

test('wrong operator: chaining method used as property and vice versa', () => {
  assert.equal(
    evalError("stream|from().window()").message,
    `line 1 char 15: no property method "window" on *pipeline.FromNode, but chaining method does exist. Use '|' operator instead: 'node|window(..)'.`,
  );
  assert.equal(
    evalError("stream|from()|window()|period(10s)").message,
    `line 1 char 24: no chaining method "period" on *pipeline.WindowNode, but property does exist. Use '.' operator instead: 'node.period(..)'.`,
  );
});

test('argument types are checked like Go reflection, with the double-quote hint', () => {
  assert.equal(
    evalError("stream|from()|window().period('10s')").message,
    'line 1 char 24: error calling func "period" on obj *pipeline.WindowNode: reflect.Set: value of type string is not assignable to type time.Duration',
  );
  assert.equal(
    evalError('stream|from().measurement("cpu")').message,
    'line 1 char 15: cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?',
  );
  assert.equal(
    evalError("stream|from()|shift('5m')").message,
    'line 1 char 15: error calling func "shift" on obj *pipeline.FromNode: reflect: Call using string as type time.Duration',
  );
  assert.equal(
    evalError("stream|from()|movingAverage('v', 5.0)").message,
    'line 1 char 15: error calling func "movingAverage" on obj *pipeline.FromNode: reflect: Call using float64 as type int64',
  );
  assert.match(evalError("batch|query('q')|window()").message, /cannot Window batch edge/);
});

test('vars: overrides, type mismatch, missing values, immutability', () => {
  const script = "var m = 'cpu'\nvar every duration\nstream|from().measurement(m)|window().period(every).every(every)";
  const t = compileTask(script, {
    vars: { m: { type: 'string', value: 'mem' }, every: { type: 'duration', value: { type: 'duration', ns: 5e9 } } },
  });
  assert.equal(t.pipeline.nodes[1]!.props.measurement, 'mem');
  assert.equal((t.pipeline.nodes[2]!.props.every as { ns: number }).ns, 5e9);
  assert.equal(evalError(script).message, 'missing value for var "every".');
  assert.equal(
    evalError(script, { vars: { m: { type: 'int', value: 1n }, every: { type: 'duration', value: { type: 'duration', ns: 1 } } } }).message,
    'invalid type supplied for m, got int exp string',
  );
  assert.equal(evalError("var a = 1\nvar a = 2\nstream|from()").message, 'attempted to redefine a, vars are immutable');
  assert.match(evalError('stream|from().measurement(nope)').message, /^name "nope" is undefined\. Names in scope: stream,time/);
  const tmpl = compileTask(script, { template: true });
  assert.deepEqual(tmpl.vars.every, { type: 'duration', value: null, description: '' });
});

test('var descriptions come from the comment above', () => {
  const t = compileTask("// The measurement\nvar m = 'cpu'\nstream|from().measurement(m)");
  assert.equal(t.vars.m!.description, 'The measurement');
});

test('identifiers inside lambdas resolve to var values, lambdas vars inline', () => {
  const t = compileTask('var crit = 90\nvar f = lambda: "v" > crit\nstream|from().where(f)|alert().crit(lambda: "v" > crit AND TRUE)');
  const where = (t.pipeline.nodes[1]!.props.where as unknown[][])[0]![0] as { expression: string };
  assert.equal(where.expression, '"v" > 90');
  const crit = t.pipeline.nodes[2]!.props.crit as { expression: string };
  assert.equal(crit.expression, '"v" > 90 AND TRUE');
});

test('constant folding of top-level expressions and unary', () => {
  const t = compileTask("var a = 2 * 3\nvar b = -a\nvar d = 2m + 30s\nvar s = 'x' + 'y'\nstream|from().measurement(s)");
  assert.equal(t.vars.a!.value, 6n);
  assert.equal(t.vars.b!.value, -6n);
  assert.deepEqual(t.vars.d!.value, { type: 'duration', ns: 150e9 });
  assert.equal(t.pipeline.nodes[1]!.props.measurement, 'xy');
  assert.match(evalError('var a = 1 + 1.0\nstream|from()').message, /mismatched type to binary operator\. got int \+ float/);
});

test('implicit dbrp statements are collected', () => {
  const t = compileTask('dbrp "telegraf"."autogen"\ndbrp "x"."y"\nstream|from()');
  assert.deepEqual(t.pipeline.dbrps, [
    { db: 'telegraf', rp: 'autogen' },
    { db: 'x', rp: 'y' },
  ]);
});

test('union links its other parents first; stats and deadman add sources', () => {
  const u = compileTask('var a = stream|from()\nvar b = stream|from()\na|union(b)|log()');
  assert.deepEqual(names(u.pipeline), ['stream0', 'from2', 'from1', 'union4', 'log5']);
  assert.deepEqual(
    u.pipeline.nodes[3]!.parents.map((p) => p.name),
    ['from2', 'from1'],
  );
  const d = compileTask("stream|from().measurement('cpu')|deadman(0.0, 10s)");
  assert.deepEqual(names(d.pipeline), ['stream0', 'from1', 'noop3', 'stats2', 'derivative4', 'alert5']);
  const alert = d.pipeline.nodes[5]!;
  assert.equal(alert.props.id, "{{ .Group }}:from1 for task '{{ .TaskName }}'");
  assert.match(String(alert.props.message), /points\/10s\.$/);
  assert.equal((alert.props.crit as { expression: string }).expression, '"emitted" <= 0.0');
});

test('alert handlers carry their own properties; alert props set through a handler reach the alert', () => {
  const t = compileTask(
    "stream|from()|alert().crit(lambda: TRUE).post('http://x/a').header('k', 'v').slack().channel('#ops').warn(lambda: FALSE).log('/tmp/a.log')",
  );
  const alert = t.pipeline.nodes[2]!;
  assert.deepEqual(
    alert.handlers.map((h) => h.kind),
    ['post', 'slack', 'log'],
  );
  assert.equal(alert.handlers[0]!.props.uRL, 'http://x/a');
  assert.deepEqual(alert.handlers[0]!.props.header, [['k', 'v']]);
  assert.equal(alert.handlers[1]!.props.channel, '#ops');
  assert.ok(isLambda(alert.props.warn));
  assert.equal(alert.handlers[2]!.props.filePath, '/tmp/a.log');
  const chained = compileTask("stream|from()|alert().post('http://x').quiet()|log()");
  assert.equal(chained.pipeline.nodes[2]!.quiet, true);
  assert.deepEqual(
    chained.pipeline.nodes[2]!.children.map((c) => c.name),
    ['log3'],
  );
});

test('node validation errors', () => {
  assert.equal(
    evalError('var a = stream|from()\nvar b = stream|from()\na|join(b)').message,
    'a call to join.as() is required to specify the output stream prefixes.',
  );
  assert.equal(
    evalError("stream|from()|eval(lambda: 1, lambda: 2).as('a')").message,
    'must specify same number of expressions and .as() names: got 1 as names, and 2 expressions.',
  );
  assert.equal(evalError('stream|from()|barrier()').message, 'idle must be greater than zero');
  assert.equal(evalError("stream|from().groupBy('')").message, 'dimensions cannot not be the empty string');
});

test('every node kind of the catalogue can be created from a stream', () => {
  const chains = [
    "where(lambda: TRUE)",
    "httpOut('x')",
    "httpPost('http://x')",
    'influxDBOut()',
    "kapacitorLoopback().database('d').retentionPolicy('r')",
    'alert()',
    "combine(lambda: TRUE).as('a')",
    'flatten()',
    "eval(lambda: 1).as('a')",
    "groupBy('a')",
    'window()',
    'barrier().idle(1s)',
    'sample(2)',
    "derivative('v')",
    "changeDetect('v')",
    'shift(1s)',
    'log()',
    'default()',
    'delete()',
    'stateDuration(lambda: TRUE)',
    'stateCount(lambda: TRUE)',
    "sideload().source('file:///x')",
    "k8sAutoscale().resourceName('r').replicas(lambda: 1)",
    "swarmAutoscale().serviceName('s').replicas(lambda: 1)",
    "ec2Autoscale().groupName('g').replicas(lambda: 1)",
  ];
  for (const c of chains) {
    const t = compileTask(`stream|from()|${c}`);
    assert.equal(t.pipeline.nodes.length, 3, c);
  }
  const descs = compileTask(
    "stream|from()|window()|trickle()|stateDuration(lambda: TRUE)|k8sAutoscale().resourceName('r').replicas(lambda: 1)",
  ).pipeline.nodes.map((n) => n.desc);
  assert.deepEqual(descs, ['stream', 'from', 'window', 'trickle', 'state_duration', 'k8s_autoscale']);
});

test('single-quoted field names in lambdas are reported as warnings with positions', () => {
  const t = compileTask("stream|from()|alert().crit(lambda: 'usage_idle' < 10)");
  assert.equal(t.warnings.length, 1);
  assert.equal(t.warnings[0]!.line, 1);
  assert.equal(t.warnings[0]!.char, 36);
  assert.match(t.warnings[0]!.message, /write "usage_idle" \(double quotes\)/);
  assert.equal(compileTask('stream|from().where(lambda: "host" == \'a\')').warnings.length, 0);
});

test('UDFs: @name() creates a node named after the UDF, options are recorded; time() takes an offset', () => {
  const t = compileTask("stream|from()@movingAvg().field('value').size(10)|log()", { udfs: new Set(['movingAvg']) });
  const udf = t.pipeline.nodes[2]!;
  assert.equal(udf.kind, 'udf');
  assert.equal(udf.name, 'movingAvg2');
  assert.deepEqual(udf.calls.field, [['value']]);
  assert.deepEqual(udf.calls.size, [[10n]]);
  assert.match(evalError("stream|from()@nope()").message, /no method or property "nope" on \*pipeline\.FromNode/);
  const b = compileTask("batch|query('q').groupBy(time(2s, 1s), 'cpu')|log()");
  assert.deepEqual(b.pipeline.nodes[1]!.props.groupBy, [{ type: 'time', every: 2e9, offset: 1e9 }, 'cpu']);
});

test('lambda vars nested into each other cannot blow up compile time', () => {
  let script = 'var f0 = lambda: "x" > 1\n';
  for (let i = 1; i <= 40; i++) script += `var f${i} = lambda: f${i - 1} AND f${i - 1}\n`;
  script += 'stream|from().where(f40)';
  const e = evalError(script);
  assert.match(e.message, /^line 42 char 15: lambda expression too large/);
});
