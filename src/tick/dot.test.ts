import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDot } from './dot.ts';
import { compileTask } from './index.ts';
import { seed000 } from './testdata/seeds.ts';

test('static DOT of seed 000', () => {
  const { request } = seed000();
  const t = compileTask(request.script);
  assert.equal(
    renderDot('dutianze-t', t.pipeline),
    'digraph dutianze-t {\nstream0 -> from1;\nfrom1 -> eval2;\neval2 -> shift3;\neval2 -> join5;\nshift3 -> join5;\n' +
      'join5 -> eval6;\neval6 -> alert7;\nalert7 -> eval8;\nalert7 -> http_out10;\neval8 -> influxdb_out9;\n}',
  );
});

test('executing DOT of seed 000 matches Kapacitor byte for byte given the same stats', () => {
  const { request, response } = seed000();
  const t = compileTask(request.script);
  const nodes = new Map<string, Record<string, number>>();
  for (const n of t.pipeline.nodes) {
    const s: Record<string, number> = { avg_exec_time_ns: 0, errors: 0, working_cardinality: 0 };
    if (n.kind === 'alert') {
      for (const k of ['alerts_inhibited', 'alerts_triggered', 'crits_triggered', 'infos_triggered', 'oks_triggered', 'warns_triggered']) s[k] = 0;
    }
    if (n.kind === 'influxDBOut') Object.assign(s, { points_written: 0, write_errors: 0 });
    nodes.set(n.name, s);
  }
  assert.equal(renderDot('dutianze-t', t.pipeline, { stats: { throughput: 0, nodes, edges: new Map() } }), response.dot);
});

test('batch root prints no edges; labels view', () => {
  const t = compileTask("batch|query('SELECT 1')|log()");
  assert.equal(renderDot('t', t.pipeline), 'digraph t {\nquery1 -> log2;\n}');
  const labels = renderDot('t', t.pipeline, {
    view: 'labels',
    stats: {
      throughput: 1.5,
      nodes: new Map([['query1', { errors: 1, avg_exec_time_ns: 3277 }]]),
      edges: new Map([['query1->log2', 7]]),
    },
  });
  assert.equal(
    labels,
    'digraph t {\ngraph [label="Throughput: 1.50 batches/s" forcelabels=true pad="0.8,0.5"];\n\nbatch0 [xlabel=""];\nbatch0 -> query1 [label="processed=0"];\n\nquery1 [xlabel="avg_exec_time_ns=3.277µs\\rerrors=1"];\nquery1 -> log2 [label="processed=7"];\n\nlog2 [xlabel=""];\n}',
  );
});
