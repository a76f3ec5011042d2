// The Go OpenTSDB client packaged by Debian (bluebreezecf/opentsdb-goclient, built in GOPATH mode from
// /usr/share/gocode) drives a listening server through its single and bulk annotation calls. The
// replies this client misreads (reference A10) are asserted as the client's documented errors; the
// server is not bent to them, and the server's state is checked independently.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataPointWriter } from '../src/annotations/datapoint-writer.ts';
import { TsuidService } from '../src/annotations/uid/tsuid-service.ts';
import { UidTables } from '../src/annotations/uid/uid-table.ts';
import { type Harness, TSUID, startHarness } from '../src/api/opentsdb/test-harness.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

const GOPATH = '/usr/share/gocode';
const CLIENT_DIR = join(GOPATH, 'src/github.com/bluebreezecf/opentsdb-goclient');
const hasGo = spawnSync('go', ['version']).status === 0;
const skip = !hasGo
  ? 'needs `go`: apt-get install -y golang-go golang-github-bluebreezecf-opentsdb-goclient-dev'
  : !existsSync(CLIENT_DIR)
    ? 'needs the Go client: apt-get install -y golang-github-bluebreezecf-opentsdb-goclient-dev'
    : false;

// Each step prints one JSON line: the call's error text (or null), the HTTP status it saw, and
// what it decoded.
const PROGRAM = `package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/bluebreezecf/opentsdb-goclient/client"
	"github.com/bluebreezecf/opentsdb-goclient/config"
)

const tsuid = "${TSUID}"

func report(step string, err error, resp interface{}) {
	out := map[string]interface{}{"step": step, "err": nil, "resp": resp}
	if err != nil {
		out["err"] = err.Error()
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}

func main() {
	c, err := client.NewClient(config.OpenTSDBConfig{OpentsdbHost: os.Args[1]})
	if err != nil {
		panic(err)
	}
	r1, err := c.UpdateAnnotation(client.Annotation{StartTime: 1388450562, EndTime: 1419984000, Tsuid: tsuid,
		Description: "Hello!", Notes: "My Notes", Custom: map[string]string{"owner": "ops"}})
	report("post", err, r1)
	r2, err := c.QueryAnnotation(map[string]interface{}{"start_time": 1388450562, "tsuid": tsuid})
	report("get", err, r2)
	r3, err := c.UpdateAnnotation(client.Annotation{StartTime: 1388450562, Tsuid: tsuid})
	report("post-unchanged", err, r3)
	r4, err := c.UpdateAnnotation(client.Annotation{Tsuid: tsuid, Description: "no start"})
	report("post-no-start", err, r4)
	r5, err := c.BulkUpdateAnnotations([]client.Annotation{
		{StartTime: 1388450563, Tsuid: tsuid, Description: "Note2"},
		{StartTime: 1328140800, Description: "Global", Custom: map[string]string{"dc": "lga"}},
	})
	report("bulk-post", err, r5)
	r6, err := c.BulkUpdateAnnotations([]client.Annotation{{StartTime: 1328140800}})
	report("bulk-post-unchanged", err, r6)
	r7, err := c.BulkDeleteAnnotations(client.BulkAnnoDeleteInfo{Tsuids: []string{tsuid}, StartTime: 1388450563000, EndTime: 1388450563000})
	report("bulk-delete", err, r7)
	r7b, err := c.QueryAnnotation(map[string]interface{}{"start_time": 1388450562, "tsuid": tsuid})
	report("get-after-bulk-delete", err, r7b)
	r8, err := c.BulkDeleteAnnotations(client.BulkAnnoDeleteInfo{StartTime: 1388450563000})
	report("bulk-delete-invalid", err, r8)
	r9, err := c.DeleteAnnotation(client.Annotation{StartTime: 1388450562, Tsuid: tsuid})
	report("delete", err, r9)
	r10, err := c.QueryAnnotation(map[string]interface{}{"start_time": 1388450562, "tsuid": tsuid})
	report("get-deleted", err, r10)
	r11, err := c.Version()
	report("version", err, r11)
	point := client.DataPoint{Metric: "sys.cpu.user", Timestamp: 1388450562, Value: 42.5, Tags: map[string]string{"host": "web01"}}
	r12, err := c.Put([]client.DataPoint{point}, client.PutRespWithSummary)
	report("put-summary", err, r12)
	point.Timestamp = 1388450622
	point.Value = 43
	r13, err := c.Put([]client.DataPoint{point}, "")
	report("put-plain", err, r13)
	r14, err := c.Suggest(client.SuggestParam{Type: client.TypeMetrics, Q: "sys"})
	report("suggest", err, r14)
}
`;

interface Step {
  step: string;
  err: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: the decoded Go structs, read field by field
  resp: any;
}

describe('Go client bluebreezecf/opentsdb-goclient (Debian package)', { skip }, () => {
  let h: Harness;
  let store: SeriesStore;
  let tsuids: TsuidService;
  let dir: string;
  let steps: Map<string, Step>;

  before(async () => {
    store = await openEmbeddedStore({ dir: '/series', disk: new MemoryDisk(), fsync: 'never' });
    h = await startHarness(':memory:', async (meta) => {
      tsuids = new TsuidService(store, await UidTables.open(meta), { database: 'opentsdb' });
      return { tsuids, put: new DataPointWriter(store, 'opentsdb') };
    });
    dir = mkdtempSync(join(tmpdir(), 'opentsdb-go-'));
    writeFileSync(join(dir, 'main.go'), PROGRAM);
    // spawnSync would block the event loop that serves the client, so run it asynchronously.
    const { spawn } = await import('node:child_process');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('go', ['run', 'main.go', new URL(h.base).host], {
        cwd: dir,
        env: { ...process.env, GOPATH, GO111MODULE: 'off', GOFLAGS: '-mod=mod', GOCACHE: join(dir, 'cache'), HOME: dir },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`go run failed (${code}): ${stderr}`))));
    });
    steps = new Map(
      output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Step)
        .map((s) => [s.step, s]),
    );
  });
  after(async () => {
    await h?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('UpdateAnnotation (POST) stores and decodes the annotation', () => {
    const s = steps.get('post')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 200);
    assert.equal(s.resp.description, 'Hello!');
    assert.deepEqual(s.resp.custom, { owner: 'ops' });
    assert.equal(s.resp.notes, 'My Notes');
  });

  it('QueryAnnotation (GET with a query string) decodes the stored annotation', () => {
    const s = steps.get('get')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 200);
    assert.equal(s.resp.startTime, 1388450562);
    assert.equal(s.resp.endTime, 1419984000);
    assert.equal(s.resp.tsuid, TSUID);
  });

  it('a 304 for an unchanged write is misread by the client as bad JSON (A10)', () => {
    assert.equal(steps.get('post-unchanged')!.err, 'unexpected end of JSON input');
  });

  it('an OpenTSDB error envelope is decoded into ErrorInfo', () => {
    const s = steps.get('post-no-start')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 400);
    assert.equal(s.resp.error.code, 400);
    assert.equal(s.resp.error.message, 'The start timestamp has not been set');
  });

  it('BulkUpdateAnnotations decodes the stored annotations', async () => {
    const s = steps.get('bulk-post')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 200);
    assert.deepEqual(
      s.resp.InvolvedAnnotations.map((a: { description: string }) => a.description),
      ['Note2', 'Global'],
    );
    assert.deepEqual((await h.annotations.get('', 1328140800))?.custom, { dc: 'lga' });
  });

  it('a bulk write where nothing changed replies [] and the client rejects it (A10)', () => {
    assert.equal(steps.get('bulk-post-unchanged')!.err, 'Unrecognized bulk annotation response info: []');
  });

  it('BulkDeleteAnnotations deletes, but the client misreads the reply because it carries startTime (A10)', async () => {
    const s = steps.get('bulk-delete')!;
    assert.match(s.err ?? '', /cannot unmarshal object into .*InvolvedAnnotations of type \[\]client\.Annotation/);
    assert.equal(await h.annotations.get(TSUID, 1388450563), undefined, 'the server did delete it');
    assert.equal((await h.annotations.get('', 1328140800))?.description, 'Global', 'globals untouched');
    const sibling = steps.get('get-after-bulk-delete')!;
    assert.equal(sibling.resp.StatusCode, 200, 'the note at …562, outside the range, survived');
    assert.equal(sibling.resp.description, 'Hello!');
  });

  it('a bulk delete without TSUIDs or global flag is an error envelope', () => {
    const s = steps.get('bulk-delete-invalid')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 400);
    assert.equal(s.resp.error.message, 'Missing the TSUIDs or global annotations flag');
  });

  it('Version decodes into map[string]string (every value a string)', () => {
    const s = steps.get('version')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.VersionInfo.version, '2.4.1');
  });

  it('DeleteAnnotation (DELETE with a JSON body) is a 204; a later GET is the 404 envelope', async () => {
    const s = steps.get('delete')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 204);
    assert.equal(await h.annotations.get(TSUID, 1388450562), undefined);
    const g = steps.get('get-deleted')!;
    assert.equal(g.err, null);
    assert.equal(g.resp.StatusCode, 404);
    assert.equal(g.resp.error.message, 'Unable to locate annotation in storage');
  });

  it('Put with "summary" reads the 200 summary', () => {
    const s = steps.get('put-summary')!;
    assert.equal(s.err, null);
    assert.equal(s.resp.StatusCode, 200);
    assert.equal(s.resp.success, 1);
    assert.equal(s.resp.failed, 0);
  });

  it('Put without flags gets the 204 and misreads it as bad JSON (A10), though the point is stored', async () => {
    assert.match(steps.get('put-plain')!.err ?? '', /^Failed to parse response for POST .*\/api\/put: unexpected end of JSON input$/);
    const series = await tsuids.lookup('sys.cpu.user', { host: 'web01' });
    assert.equal(series.length, 1);
    let rows = 0;
    for await (const chunk of store.scan({ database: 'opentsdb', measurement: 'sys.cpu' })) rows += chunk.length;
    assert.equal(rows, 2);
  });

  it('Suggest decodes the sorted names', () => {
    const s = steps.get('suggest')!;
    assert.equal(s.err, null);
    assert.deepEqual(s.resp.ResultInfo, ['sys.cpu.user']);
  });
});
