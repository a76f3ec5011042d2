import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { SplResult } from '../query/spl/executor.ts';
import { deliver, ExportFiles } from './destinations.ts';
import { encode } from './formats.ts';

const result: SplResult = {
  fields: ['_time', 'host', 'msg', 'tags'],
  rows: [
    { _time: 1, host: 'a', msg: 'plain', tags: ['x', 'y'] },
    { _time: 2, host: 'b,c', msg: 'say "hi"\nbye', tags: null },
    { _time: 3, msg: ' padded ' },
  ],
  startMs: 0,
  endMs: 10,
};

describe('export formats', () => {
  it('CSV quotes commas, quotes, newlines and edge spaces; multivalues are one cell; nulls are empty', () => {
    assert.equal(
      encode(result, 'csv'),
      '_time,host,msg,tags\r\n1,a,plain,"x\ny"\r\n2,"b,c","say ""hi""\nbye",\r\n3,," padded ",\r\n',
    );
  });
  it('JSON lines: one object per row; JSON: fields and rows', () => {
    assert.equal(encode(result, 'jsonl').split('\n')[1], '{"_time":2,"host":"b,c","msg":"say \\"hi\\"\\nbye","tags":null}');
    assert.deepEqual(JSON.parse(encode(result, 'json')).fields, result.fields);
  });
  it('an unreachable webhook fails with the reason', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}/x`;
    await assert.rejects(
      deliver({ type: 'webhook', url, format: 'json', headers: {} }, { taskId: 't', count: 1, time: 0, result }, new ExportFiles('/nonexistent')),
      { message: `webhook ${url} failed: connect ECONNREFUSED 127.0.0.1:${port}` },
    );
  });
});
