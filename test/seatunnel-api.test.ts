// End-to-end tests of the SeaTunnel REST dialect against a listening server (the reference's e2e cases and more).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type SeatunnelListener, startSeatunnelListener } from '../src/api/seatunnel/native-listener.ts';
import { builtinRegistry } from '../src/jobs/builtins.ts';
import { JobService } from '../src/jobs/job-service.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely and checked field by field
type J = any;

let listener: SeatunnelListener;
let jobs: JobService;
let base: string;
const AES_KEY = 'test passphrase for aes';

before(async () => {
  jobs = new JobService({
    meta: new SqliteMetaStore({ path: ':memory:' }),
    registry: builtinRegistry(),
    services: { consoleOut: () => {} },
    shadeKey: AES_KEY,
  });
  await jobs.init();
  listener = await startSeatunnelListener({ services: { jobs, env: { ST_ROWS: '7' } }, port: 0 });
  base = listener.address;
});

after(async () => {
  await jobs.close();
  await listener.close();
});

async function call(path: string, init: { method?: string; body?: string | FormData; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.type) headers['content-type'] = init.type;
  else if (typeof init.body === 'string') headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), body: init.body, headers });
  const text = await res.text();
  let json: J;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, type: res.headers.get('content-type') ?? '' };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const batchBody = (mode = 'BATCH') =>
  JSON.stringify({
    env: { 'job.name': 'test测试', 'job.mode': mode },
    source: [{ plugin_name: 'FakeSource', result_table_name: 'fake', 'row.num': 100, schema: { fields: { name: 'string', age: 'int', card: 'int' } } }],
    transform: [],
    sink: [{ plugin_name: 'Console', source_table_name: ['fake'] }],
  });

async function finishedWith(state: string, jobId: string) {
  return until(`${jobId} in finished-jobs/${state}`, async () => {
    const r = await call(`/finished-jobs/${state}`);
    return (r.json as J[]).find((j) => j.jobId === jobId);
  });
}

async function statusOf(jobId: string, status: string) {
  return until(`${jobId} ${status}`, async () => {
    const r = await call(`/job-info/${jobId}`);
    return r.json.jobStatus === status ? r.json : undefined;
  });
}

test('TC-1: batch submit with custom id and name, then read history', async () => {
  const r = await call(`/submit-job?jobName=${encodeURIComponent('param_test测试')}&jobId=862969647010611202`, { body: batchBody() });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { jobId: '862969647010611202', jobName: 'param_test测试' });
  assert.match(r.type, /^application\/json;charset=UTF-8/);
  for (const path of ['FINISHED', '']) {
    const job = path ? await finishedWith(path, '862969647010611202') : (await call('/finished-jobs')).json.find((j: J) => j.jobId === '862969647010611202');
    assert.equal(job.jobName, 'param_test测试');
    assert.equal(job.errorMsg, null);
    assert.equal(job.jobStatus, 'FINISHED');
    assert.equal(job.metrics.SourceReceivedCount, '100');
    assert.equal(job.metrics.SinkWriteCount, '100');
    assert.match(job.finishTime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(Object.hasOwn(job, 'envOptions'), false);
  }
  const plain = await call('/submit-job', { body: batchBody() });
  assert.equal(plain.json.jobName, 'test测试');
  assert.equal(typeof plain.json.jobId, 'string');
  assert.ok(BigInt(plain.json.jobId) > 2n ** 53n);
});

test('TC-2: stop with savepoint, cancel, and resume from the savepoint with the same id', async () => {
  const a = (await call('/submit-job', { body: batchBody('STREAMING') })).json.jobId as string;
  await statusOf(a, 'RUNNING');
  const stop = await call('/stop-job', { body: `{"jobId":${a},"isStopWithSavePoint":true}` });
  assert.deepEqual(stop.json, { jobId: a });
  await finishedWith('SAVEPOINT_DONE', a);
  const b = (await call('/submit-job', { body: batchBody('STREAMING') })).json.jobId as string;
  await statusOf(b, 'RUNNING');
  assert.equal((await call('/stop-job', { body: `{"jobId":${b},"isStopWithSavePoint":false}` })).status, 200);
  await finishedWith('CANCELED', b);
  const resumed = await call(`/submit-job?jobId=${a}&isStartWithSavePoint=true`, { body: batchBody('STREAMING') });
  assert.equal(resumed.json.jobId, a);
  const info = await statusOf(a, 'RUNNING');
  assert.equal(info.isStartWithSavePoint, true);
  // The savepoint held all 100 rows already: the resumed run reads none again.
  assert.equal(info.metrics.SourceReceivedCount, '100');
  await call('/stop-job', { body: `{"jobId":"${a}"}` });
  await finishedWith('CANCELED', a);
});

test('TC-3: validation and the error envelope', async () => {
  const sp = await call('/submit-job?jobName=x&isStartWithSavePoint=true', { body: batchBody() });
  assert.equal(sp.status, 400);
  assert.deepEqual(sp.json, { status: 'fail', message: 'Please provide jobId when start with save point.' });
  for (const p of ['/job-info/123', '/running-job/123', '/hazelcast/rest/maps/job-info/123']) {
    const r = await call(p);
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"jobId":"123"}');
  }
  assert.equal((await call('/running-job/')).status, 400);
  assert.deepEqual((await call('/job-info/')).json, { status: 'fail', message: 'The jobId must not be empty.' });
  const v1 = await call('/hazelcast/rest/maps/running-job/');
  assert.equal(v1.status, 400);
  assert.equal(v1.text, '');
  const abc = await call('/job-info/abc');
  assert.equal(abc.status, 400);
  assert.equal(abc.json.message, 'For input string: "abc"');
  assert.deepEqual((await call('/update-tags', { body: '' })).json, { status: 'fail', message: 'Request body is empty.' });
  const bad = await call('/submit-job', { body: '{not json' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.message, 'Invalid JSON format in request body.');
  const noId = await call('/stop-job', { body: '{}' });
  assert.equal(noId.status, 400);
  assert.equal(noId.json.message, 'jobId cannot be empty.');
  const unknownStop = await call('/stop-job', { body: '{"jobId":123}' });
  assert.deepEqual(unknownStop.json, { jobId: '123' });
  const taken = await call('/submit-job?jobId=862969647010611202', { body: batchBody() });
  assert.equal(taken.status, 500);
  assert.equal(taken.json.message, 'The job id 862969647010611202 has already been submitted and is not starting with a savepoint.');
  const plugin = await call('/submit-job', { body: JSON.stringify({ source: [{ plugin_name: 'NoSuch' }], sink: [{ plugin_name: 'Console' }] }) });
  assert.equal(plugin.status, 500);
  assert.match(plugin.json.message, /^ErrorCode:\[API-06\], ErrorDescription:\[Factory initialize failed\] - Plugin Source\[NoSuch\] not found/);
  const missing = await call('/submit-job', { body: JSON.stringify({ env: {}, sink: [{ plugin_name: 'Console' }] }) });
  assert.equal(missing.status, 400);
  assert.match(missing.json.message, /Miss <Source> config!/);
  assert.deepEqual((await call('/finished-jobs/NOT_A_STATE')).json, []);
  assert.deepEqual((await call('/hazelcast/rest/maps/submit-job?jobId', { body: batchBody() })).json, { status: 'fail', message: 'Invalid Params format in Params.' });
  assert.equal((await call('/submit-job', { method: 'GET' })).status, 404);
});

test('TC-4: jobDag and metrics of a finished batch job; running-jobs of a streaming job', async () => {
  const body = JSON.stringify({
    env: { 'job.mode': 'BATCH' },
    source: [{ plugin_name: 'FakeSource', result_table_name: 'fake', schema: { fields: { id: 'int', name: 'string', age: 'int' } } }],
    sink: [{ plugin_name: 'console' }],
  });
  const id = (await call('/submit-job', { body })).json.jobId;
  const job = await statusOf(id, 'FINISHED');
  assert.equal(job.jobDag.jobId, id);
  assert.deepEqual(job.jobDag.pipelineEdges, { '1': [{ inputVertexId: '1', targetVertexId: '2' }] });
  assert.deepEqual(job.jobDag.vertexInfoMap, [
    { vertexId: 1, type: 'source', vertexName: 'pipeline-1 [Source[0]-FakeSource]', tablePaths: ['fake'] },
    { vertexId: 2, type: 'sink', vertexName: 'pipeline-1 [Sink[0]-console-MultiTableSink]', tablePaths: ['fake'] },
  ]);
  assert.equal(job.metrics.SourceReceivedCount, '5');
  assert.equal(job.metrics.SinkWriteCount, '5');
  assert.equal(job.metrics.TableSourceReceivedCount.fake, '5');
  assert.equal(job.metrics.TableSinkWriteCount.fake, '5');
  assert.match(job.metrics.SinkWriteQPS, /^\d+(\.\d+)?$/);
  assert.equal(job.jobDag.envOptions['job.mode'], 'BATCH');
  const stream = JSON.stringify({
    env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 5000 },
    source: [{ plugin_name: 'FakeSource', plugin_output: 'fake', schema: { fields: { id: 'int' } } }],
    sink: [{ plugin_name: 'Console', plugin_input: 'fake' }],
  });
  const sid = (await call('/submit-job', { body: stream })).json.jobId;
  await statusOf(sid, 'RUNNING');
  const running = (await call('/running-jobs')).json as J[];
  const mine = running.find((j) => j.jobId === sid);
  assert.equal(mine.jobStatus, 'RUNNING');
  assert.equal(mine.jobDag.envOptions['checkpoint.interval'], '5000');
  assert.equal(mine.envOptions['checkpoint.interval'], '5000');
  assert.deepEqual(mine.pluginJarsUrls, []);
  assert.equal(mine.isStartWithSavePoint, false);
  assert.equal((await call('/hazelcast/rest/maps/running-jobs')).json.some((j: J) => j.jobId === sid), true);
  await call('/stop-job', { body: JSON.stringify({ jobId: sid }) });
  await finishedWith('CANCELED', sid);
});

test('encrypt-config with base64, then the encrypted config runs like the plain one', async () => {
  const config = {
    env: { parallelism: 1, 'shade.identifier': 'base64', 'job.mode': 'BATCH' },
    source: [
      {
        plugin_name: 'FakeSource',
        schema: { fields: { name: 'string', age: 'int' } },
        result_table_name: 'fake',
        parallelism: 1,
        username: 'seatunnel',
        password: 'seatunnel_password',
      },
    ],
    transform: [],
    sink: [{ plugin_name: 'Assert', username: 'seatunnel', password: 'seatunnel_password', rules: { row_rules: [{ rule_type: 'MIN_ROW', rule_value: 5 }] } }],
  };
  const r = await call('/encrypt-config', { body: JSON.stringify(config) });
  assert.equal(r.status, 200);
  assert.equal(r.json.source[0].username, 'c2VhdHVubmVs');
  assert.equal(r.json.source[0].password, 'c2VhdHVubmVsX3Bhc3N3b3Jk');
  assert.equal(r.json.source[0].result_table_name, 'fake');
  assert.equal(r.json.sink[0].password, 'c2VhdHVubmVsX3Bhc3N3b3Jk');
  assert.equal(r.json.env['shade.identifier'], 'base64');
  assert.deepEqual(r.json.transform, []);
  const id = (await call('/submit-job', { body: JSON.stringify(r.json) })).json.jobId;
  const job = await statusOf(id, 'FINISHED');
  assert.equal(JSON.stringify(job).includes('seatunnel_password'), false);
  assert.equal((await call('/encrypt-config', { body: JSON.stringify({ env: {}, source: [], sink: [] }) })).status, 400);
});

test('aes-256-gcm shade: authenticated round trip; secrets never in errorMsg or logs', async () => {
  // A file whose bad value happens to be the secret: the runtime error would quote it.
  const dir = mkdtempSync(join(tmpdir(), 'st-aes-'));
  writeFileSync(join(dir, 'data.csv'), 'hunter2-secret\n');
  const config = {
    env: { 'shade.identifier': 'aes-256-gcm', 'job.mode': 'BATCH', 'job.retry.times': 0 },
    source: [{ plugin_name: 'LocalFile', path: dir, file_format_type: 'csv', schema: { fields: { n: 'int' } }, password: 'hunter2-secret' }],
    sink: [{ plugin_name: 'Console' }],
  };
  const enc = (await call('/encrypt-config', { body: JSON.stringify(config) })).json;
  assert.notEqual(enc.source[0].password, 'hunter2-secret');
  assert.notEqual(enc.source[0].password, Buffer.from('hunter2-secret').toString('base64'));
  const id = (await call('/submit-job', { body: JSON.stringify(enc) })).json.jobId;
  const job = await statusOf(id, 'FAILED');
  assert.match(job.errorMsg, /value "\*\*\*\*\*\*" is not a INT/);
  assert.equal(job.errorMsg.includes('hunter2'), false);
  const log = await call(`/logs/job-${id}.log`);
  assert.equal(log.status, 200);
  assert.match(log.text, /"password":"\*\*\*\*\*\*"/);
  assert.equal(log.text.includes('hunter2'), false);
  // Errors at submit time are plain connector errors and carry no secret either.
  const missing = await call('/submit-job', { body: JSON.stringify({ ...enc, source: [{ ...enc.source[0], path: '/nonexistent/dir/for/test' }] }) });
  assert.equal(missing.status, 500);
  assert.match(missing.json.message, /cannot read path \/nonexistent\/dir\/for\/test: ENOENT/);
  const tampered = structuredClone(enc);
  tampered.source[0].password = `${enc.source[0].password.slice(0, -4)}AAAA`;
  const bad = await call('/submit-job', { body: JSON.stringify(tampered) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.message, 'config decryption failed: source[0].password could not be decrypted with aes-256-gcm');
  rmSync(dir, { recursive: true, force: true });
});

test('submit-jobs and stop-jobs (numeric ids echoed exactly)', async () => {
  const n = 862969647010699999n;
  const job = (id: bigint) => ({
    params: { jobId: String(id), jobName: `batch-${id}` },
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } } }],
    sink: [{ plugin_name: 'Console' }],
  });
  const r = await call('/submit-jobs', { body: JSON.stringify([job(n), job(n - 1n)]) });
  assert.deepEqual(r.json, [
    { jobId: String(n), jobName: `batch-${n}` },
    { jobId: String(n - 1n), jobName: `batch-${n - 1n}` },
  ]);
  await statusOf(String(n), 'RUNNING');
  const s = await call('/stop-jobs', { body: `[{"jobId":${n}},{"jobId":${n - 1n}}]` });
  assert.equal(s.text, `[{"jobId":${n}},{"jobId":${n - 1n}}]`);
  await finishedWith('CANCELED', String(n));
  await finishedWith('CANCELED', String(n - 1n));
});

test('format=hocon and submit-job/upload (HOCON and JSON files, with env substitution)', async () => {
  const hocon = `env { job.mode = BATCH, job.name = hocon_job }
source { FakeSource { plugin_output = fake, row.num = \${ST_ROWS}, schema.fields { a = int } } }
sink { Console { plugin_input = fake } Console { plugin_input = fake } }`;
  const h = await call('/submit-job?format=hocon', { body: hocon, type: 'text/plain' });
  assert.equal(h.json.jobName, 'hocon_job');
  const job = await statusOf(h.json.jobId, 'FINISHED');
  assert.equal(job.metrics.SourceReceivedCount, '7');
  assert.equal(job.metrics.SinkWriteCount, '14');
  assert.equal(job.jobDag.vertexInfoMap.length, 3);
  const badHocon = await call('/submit-job?format=hocon', { body: 'env {\n job.mode = \n}', type: 'text/plain' });
  assert.equal(badHocon.status, 400);
  assert.match(badHocon.json.message, /^line 2:/);
  const form = new FormData();
  form.append('config_file', new Blob([hocon]), 'job.conf');
  const up = await call('/submit-job/upload?jobName=uploaded', { body: form });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.jobName, 'uploaded');
  await statusOf(up.json.jobId, 'FINISHED');
  const jsonForm = new FormData();
  jsonForm.append('config_file', new Blob([batchBody()]), 'job.json');
  const upJson = await call('/hazelcast/rest/maps/submit-job/upload', { body: jsonForm });
  assert.equal(upJson.json.jobName, 'test测试');
  const sql = `/* config
env { job.mode = "BATCH", job.name = "sql_job" }
*/
CREATE TABLE fake WITH ('connector' = 'FakeSource', 'type' = 'source', 'row.num' = '6', 'schema' = '{ fields { a = int } }');
CREATE TABLE out WITH ('connector' = 'Assert', 'type' = 'sink', 'rules' = '{ row_rules = [{ rule_type = MIN_ROW, rule_value = 6 }] }');
INSERT INTO out SELECT a FROM fake;`;
  const s = await call('/submit-job?format=sql', { body: sql, type: 'text/plain' });
  assert.equal(s.json.jobName, 'sql_job');
  assert.equal((await statusOf(s.json.jobId, 'FINISHED')).metrics.SinkWriteCount, '6');
  const sqlForm = new FormData();
  sqlForm.append('config_file', new Blob([sql]), 'job.sql');
  const upSql = await call('/submit-job/upload', { body: sqlForm });
  await statusOf(upSql.json.jobId, 'FINISHED');
  const empty = new FormData();
  empty.append('other', 'x');
  assert.equal((await call('/submit-job/upload', { body: empty })).status, 400);
});

test('overview with tag filters, update-tags (v2 POST, v1 PUT) and clearing', async () => {
  const o = await call('/overview?tag1=dev_1');
  assert.equal(o.json.workers, '0');
  assert.equal(o.json.projectVersion, '2.3.10');
  for (const v of Object.values(o.json)) assert.equal(typeof v, 'string');
  const u = await call('/update-tags', { body: '{"tag1":"dev_1","tag2":"dev_2"}' });
  assert.deepEqual(u.json, { status: 'success', message: 'update node tags done.' });
  assert.equal((await call('/overview?tag1=dev_1')).json.workers, '1');
  assert.equal((await call('/overview?tag1=dev_1&tag2=other')).json.workers, '0');
  assert.equal((await call('/hazelcast/rest/maps/update-tags', { method: 'PUT', body: '{}' })).status, 200);
  assert.equal((await call('/overview?tag1=dev_1')).json.workers, '0');
  assert.equal((await call('/update-tags', { method: 'PUT', body: '{}' })).status, 404);
  const all = await call('/overview');
  assert.equal(all.json.workers, '1');
  assert.ok(Number(all.json.finishedJobs) >= 1);
  assert.ok(Number(all.json.cancelledJobs) >= 1);
});

test('system-monitoring-information reports real figures as strings', async () => {
  const r = await call('/system-monitoring-information');
  assert.equal(r.json.length, 1);
  const m = r.json[0];
  for (const v of Object.values(m)) assert.equal(typeof v, 'string');
  assert.equal(m.processors, String((await import('node:os')).cpus().length));
  assert.match(m['physical.memory.total'], /^\d+\.\dG$/);
  assert.match(m['heap.memory.used/total'], /^\d+\.\d\d%$/);
  assert.match(m['minor.gc.time'], /^\d+ms$/);
  assert.ok(Number(m['thread.count']) >= 1);
  assert.equal(m.isMaster, 'true');
  assert.ok(Number(m['connection.active.count']) >= 1);
});

test('logs: json and html listings, file content, unsafe names refused; thread-dump', async () => {
  const list = await call('/logs?format=json');
  assert.ok(list.json.length > 0);
  const entry = list.json[0];
  assert.match(entry.logName, /^job-\d+\.log$/);
  assert.ok(entry.logLink.endsWith(`/logs/${entry.logName}`));
  const id = entry.logName.slice(4, -4);
  assert.ok((await call(`/logs/${id}?format=json`)).json.every((e: J) => e.logName.includes(id)));
  const html = await call('/logs');
  assert.match(html.type, /text\/html/);
  assert.match(html.text, /<a href=/);
  const file = await call(`/logs/${entry.logName}`);
  assert.match(file.type, /text\/plain/);
  assert.match(file.text, /RUNNING/);
  assert.equal((await call('/logs/..%2F..%2Fetc%2Fpasswd.log')).status, 400);
  assert.equal((await call('/log/nothere.log')).status, 400);
  assert.ok(Array.isArray((await call('/get-all-log-name')).json));
  const dump = await call('/thread-dump');
  assert.equal(dump.json[0].threadName, 'main');
});

test('metrics: Prometheus text with job counts and per-job counters', async () => {
  const r = await call('/metrics');
  assert.match(r.type, /^text\/plain; version=0\.0\.4/);
  assert.match(r.text, /# TYPE job_count gauge/);
  assert.match(r.text, /job_count\{cluster="seatunnel",type="finished"\} [1-9]\d*/);
  assert.match(r.text, /seatunnel_job_sink_write_count_total\{job_id="862969647010611202",job_name="param_test测试",table="fake"\} 100/);
  assert.match(r.text, /seatunnel_job_sink_committed_count_total\{job_id="862969647010611202",job_name="param_test测试",table="fake"\} 100/);
  const om = await call('/openmetrics');
  assert.match(om.text, /# EOF\n$/);
  assert.equal((await call('/hazelcast/rest/instance/metrics')).status, 200);
});

test('submit-jobs stops at the first failure; paging of lists; a failed job shows errorMsg in job-info', async () => {
  const ok = (id: string) => ({ params: { jobId: id }, env: { 'job.mode': 'BATCH' }, source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } } }], sink: [{ plugin_name: 'Console' }] });
  const bad = { params: { jobId: '862969647010700002' }, source: [{ plugin_name: 'Nope' }], sink: [{ plugin_name: 'Console' }] };
  const r = await call('/submit-jobs', { body: JSON.stringify([ok('862969647010700001'), bad, ok('862969647010700003')]) });
  assert.equal(r.status, 500);
  assert.match(r.json.message, /Plugin Source\[Nope\] not found/);
  assert.equal((await call('/job-info/862969647010700001')).json.jobName, 'SeaTunnel_Job');
  assert.deepEqual((await call('/job-info/862969647010700003')).json, { jobId: '862969647010700003' });
  const all = (await call('/finished-jobs')).json as J[];
  const page2 = (await call('/finished-jobs?page=2&rows=2')).json as J[];
  assert.deepEqual(page2.map((j) => j.jobId), all.slice(2, 4).map((j) => j.jobId));
  const failing = await call('/submit-job', {
    body: JSON.stringify({
      env: { 'job.mode': 'BATCH', 'job.retry.times': 0 },
      source: [{ plugin_name: 'FakeSource', schema: { fields: { a: 'int' } }, rows: [{ fields: [5] }] }],
      sink: [{ plugin_name: 'Assert', rules: { field_rules: [{ field_name: 'a', field_value: [{ equals_to: 6 }] }] } }],
    }),
  });
  const failed = await statusOf(failing.json.jobId, 'FAILED');
  assert.match(failed.errorMsg, /fail rule/);
  assert.equal(Object.hasOwn(failed, 'finishTime'), true);
  assert.ok(((await call('/finished-jobs/failed')).json as J[]).some((j) => j.jobId === failing.json.jobId), 'state is case-insensitive');
});

test('context path, v1 switched off, and the body limit answered in the SeaTunnel envelope', async () => {
  const other = await startSeatunnelListener({ services: { jobs, contextPath: '/seatunnel', v1: false }, port: 0, bodyLimit: 2048 });
  try {
    const ok = await fetch(`${other.address}/seatunnel/overview`);
    assert.equal(ok.status, 200);
    assert.equal((await fetch(`${other.address}/overview`)).status, 404);
    assert.equal((await fetch(`${other.address}/hazelcast/rest/maps/overview`)).status, 404);
    const big = await fetch(`${other.address}/seatunnel/submit-job`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5000) });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as J).status, 'fail');
  } finally {
    await other.close();
  }
});
