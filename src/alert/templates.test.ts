import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertTemplates } from './templates.ts';

const server = { hostname: 'box', clusterId: 'cid', serverId: 'sid' };
const ctx = {
  name: 'cpu',
  taskName: 'task1',
  group: 'host=a',
  tags: { host: 'a', dc: 'x' },
  id: 'the-id',
  fields: { value: 9.5, n: 3n },
  level: 'WARNING',
  time: { ms: Date.UTC(2017, 11, 5, 7, 19, 0), ns: 0 },
  durationNs: 90e9,
};

test('every template variable: id sees Name/TaskName/Group/Tags/ServerInfo; message adds ID/Fields/Level/Time/Duration; details adds Message', () => {
  const t = new AlertTemplates(
    '{{ .Name }}|{{ .TaskName }}|{{ .Group }}|{{ index .Tags "host" }}|{{ .ServerInfo.Hostname }}|{{ .ServerInfo.ClusterID }}|{{ .ServerInfo.ServerID }}',
    '{{ .ID }} {{ index .Fields "value" }} {{ index .Fields "n" }} {{ .Level }} {{ .Time }} {{ .Duration }}',
    '{{ .ID }}/{{ .Level }}',
    server,
  );
  assert.equal(t.renderId(ctx), 'cpu|task1|host=a|a|box|cid|sid');
  const { message, details } = t.renderMessageAndDetails(ctx);
  assert.equal(message, 'the-id 9.5 3 WARNING 2017-12-05 07:19:00 +0000 UTC 1m30s');
  assert.equal(details, 'the-id/WARNING');
  const withMessage = new AlertTemplates('x', '{{ .ID }} is {{ .Level }}', '{{ .Message }}!', server);
  assert.equal(withMessage.renderMessageAndDetails(ctx).details, 'the-id is WARNING!');
});

test('details are html/template output: action output escaped, literal text kept', () => {
  const t = new AlertTemplates('x', '<{{ .Level }}>', '<b>{{ .Message }}</b>', server);
  assert.equal(t.renderMessageAndDetails(ctx).details, '<b>&lt;WARNING&gt;</b>');
});

test("Kapacitor's default templates: id Name:Group, message 'ID is LEVEL', details escaped JSON of the data with a newline", () => {
  const t = new AlertTemplates('{{ .Name }}:{{ .Group }}', '{{ .ID }} is {{ .Level }}', '{{ json . }}', server);
  assert.equal(t.renderId(ctx), 'cpu:host=a');
  const { message, details } = t.renderMessageAndDetails({ ...ctx, id: 'cpu:host=a' });
  assert.equal(message, 'cpu:host=a is WARNING');
  const json = JSON.parse(details.replaceAll('&#34;', '"'));
  assert.deepEqual(json, {
    Name: 'cpu',
    TaskName: 'task1',
    Group: 'host=a',
    Tags: { dc: 'x', host: 'a' },
    ServerInfo: { Hostname: 'box', ClusterID: 'cid', ServerID: 'sid' },
    ID: 'cpu:host=a',
    Fields: { n: 3, value: 9.5 },
    Level: 'WARNING',
    Time: '2017-12-05T07:19:00Z',
    Duration: 90000000000,
    Message: 'cpu:host=a is WARNING',
  });
  assert.ok(details.startsWith('{&#34;Name&#34;:&#34;cpu&#34;,&#34;TaskName&#34;'));
  assert.ok(details.endsWith('}\n'));
  // The generic template path gives the same text as the direct one.
  const viaTemplate = new AlertTemplates('x', '{{ .ID }} is {{ .Level }}', '{{json .}} ', server).renderMessageAndDetails({ ...ctx, id: 'cpu:host=a' });
  assert.equal(viaTemplate.details, `${details} `);
});

test('jsonCompact has no trailing newline; template errors surface when rendering', () => {
  const t = new AlertTemplates('x', 'm', '{{ jsonCompact .Tags }}', server);
  assert.equal(t.renderMessageAndDetails(ctx).details, '{&#34;dc&#34;:&#34;x&#34;,&#34;host&#34;:&#34;a&#34;}');
  assert.throws(() => new AlertTemplates('{{ nosuch }}', 'm', 'd', server));
});
