// The shared data plane across dialects: points written through /write are stored, read by a
// SeaTunnel job, written back through the write path, seen by a stream task, queried with InfluxQL,
// exported by a Pandora task's SPL, and annotated through OpenTSDB — all on one listening server.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('one data plane', () => {
  let t: TestServer;
  before(async () => {
    // OpenTSDB reads its time series from the same database the points are written to.
    t = await startTestServer({ configure: (c) => (c.sections.opentsdb = { database: 'telegraf' }) });
    // A database created through /query keeps the raw points written to it, as InfluxDB would.
    const created = await fetch(`${t.url}/query?q=${encodeURIComponent('CREATE DATABASE telegraf')}`, { method: 'POST' });
    assert.equal(created.status, 200);
  });
  after(() => t.stop());

  it('moves points from /write through a SeaTunnel job into a stream task, /query, SPL and annotations', async () => {
    // A stream task on the database the job writes into.
    const task = await fetch(
      `${t.url}/kapacitor/v1/tasks`,
      post({
        id: 'copied',
        dbrps: [{ db: 'derived', rp: 'autogen' }],
        script: "stream|from().measurement('cpu_copy').groupBy('host')|httpOut('last')",
        status: 'enabled',
      }),
    );
    assert.equal(task.status, 200, await task.text());

    const lines = ['cpu,host=a usage=10 1700000000000000001', 'cpu,host=b usage=20 1700000000000000002', 'cpu,host=a usage=30 1700000001000000003'];
    const write = await fetch(`${t.url}/write?db=telegraf&rp=autogen`, { method: 'POST', body: lines.join('\n') });
    assert.equal(write.status, 204);

    // Stored: InfluxQL sees the points with their exact nanosecond times.
    // Read as text: JSON.parse would round the 19-digit times the server writes exactly.
    const stored = await (
      await fetch(`${t.url}/query?db=telegraf&epoch=ns&q=${encodeURIComponent("SELECT usage FROM cpu WHERE host = 'a'")}`)
    ).text();
    assert.match(stored, /"values":\[\[1700000000000000001,10\],\[1700000001000000003,30\]\]/);

    // A SeaTunnel job: Inductor source (the store) → Sql → Inductor sink through the write path.
    const submitted = await readJson(
      await fetch(
        `${t.url}/submit-job`,
        post({
          env: { 'job.mode': 'BATCH', 'job.name': 'copy-cpu' },
          source: [{ plugin_name: 'Inductor', plugin_output: 'cpu', database: 'telegraf', measurement: 'cpu' }],
          transform: [{ plugin_name: 'Sql', plugin_input: 'cpu', plugin_output: 'doubled', query: 'SELECT time, host, usage * 2 AS usage FROM cpu' }],
          sink: [
            {
              plugin_name: 'Inductor',
              plugin_input: 'doubled',
              database: 'derived',
              retention_policy: 'autogen',
              measurement: 'cpu_copy',
              key_time: 'time',
              key_tags: ['host'],
              write_path: 'ingest',
            },
          ],
        }),
      ),
    );
    const jobId = submitted.jobId as string;
    assert.match(jobId, /^\d+$/);
    const finished = await eventually('the job to finish', async () => {
      const info = await readJson(await fetch(`${t.url}/job-info/${jobId}`));
      if (info.jobStatus === 'FAILED') throw new Error(`job failed: ${info.errorMsg}`);
      return info.jobStatus === 'FINISHED' ? info : undefined;
    });
    assert.equal(finished.jobStatus, 'FINISHED');

    // The stream task saw the job's points, one row per host, times exact.
    const out = await eventually('httpOut rows', async () => {
      const body = await readJson(await fetch(`${t.url}/kapacitor/v1/tasks/copied/last`));
      return body.series?.length === 2 ? body : undefined;
    });
    const byHost = Object.fromEntries(
      (out.series as { tags: { host: string }; values: unknown[][] }[]).map((s) => [s.tags.host, s.values[0]]),
    );
    assert.deepEqual(byHost.a, ['2023-11-14T22:13:21.000000003Z', 60]);
    assert.deepEqual(byHost.b, ['2023-11-14T22:13:20.000000002Z', 40]);

    // A Pandora export task: SPL over the same store, run by the scheduler, history and a CSV file.
    const created = await fetch(
      `${t.url}/api/v1/export/task`,
      post({
        name: 'cpu-by-host',
        spl: 'index=telegraf sourcetype=cpu earliest=0 | stats sum(usage) AS total by host | sort host',
        interval: { type: 'crontab', crontab: '* * * * * ?' },
      }),
    );
    assert.equal(created.status, 200, await created.text());
    const location = created.headers.get('location') ?? '';
    const exportId = location.split('/').pop() ?? '';
    const run = await eventually('an export run', async () => {
      const history = await readJson(await fetch(`${t.url}/api/v1/export/task/${exportId}/history`));
      return history.histories?.length > 0 ? history.histories[0] : undefined;
    });
    assert.equal(run.status, 'success', JSON.stringify(run));
    const csv = await (await fetch(`${t.url}/api/v1/export/task/${exportId}/history/1/download`)).text();
    assert.deepEqual(csv.trim().split(/\r?\n/), ['host,total', 'a,40', 'b,20']);

    // OpenTSDB sees the stored series as metric cpu.usage, with TSUIDs.
    const suggest = await readJson(await fetch(`${t.url}/api/suggest?type=metrics&q=cpu`));
    assert.deepEqual(suggest, ['cpu.usage']);
  });
});
