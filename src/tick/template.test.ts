import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TemplateError } from './errors.ts';
import { compileTemplate, goPrint, goSprintf } from './template.ts';

const data = {
  Name: 'cpu',
  TaskName: 'cpu_alert',
  Group: 'host=serverA',
  ID: 'kapacitor/cpu/serverA',
  Level: 'CRITICAL',
  Tags: { host: 'serverA', type: 'idle' },
  Fields: { value: 97.1, count: 3n, emitted: 0 },
  Time: { type: 'timeval', ms: Date.UTC(2017, 11, 5, 7, 19), ns: 0 },
  Duration: { type: 'duration', ns: 90e9 },
};

function render(src: string): string {
  return compileTemplate('id', src).render(data);
}

test('fields, index on tags and fields, Go value printing', () => {
  assert.equal(render('{{ .Name }}:{{ .Group }}'), 'cpu:host=serverA');
  assert.equal(render('kapacitor/{{ .Name }}/{{ index .Tags "host" }}'), 'kapacitor/cpu/serverA');
  assert.equal(render('{{ index .Fields "value" }} {{ index .Fields "count" }}'), '97.1 3');
  assert.equal(render('{{ .Time }}'), '2017-12-05 07:19:00 +0000 UTC');
  assert.equal(render('{{ .Duration }}'), '1m30s');
  assert.equal(render('{{ .TaskName }}'), 'cpu_alert');
  assert.equal(render('{{ .Nope }}'), '<no value>');
  assert.equal(render('{{ index .Tags "nope" }}|'), '|');
});

test('conditionals, comparisons, pipes and printf', () => {
  const deadman =
    '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/10s.';
  assert.equal(render(deadman), 'kapacitor/cpu/serverA is dead: 0.000 points/10s.');
  assert.equal(render('{{ if eq .Level "OK" }}a{{ else if eq .Level "CRITICAL" }}b{{ else }}c{{ end }}'), 'b');
  assert.equal(render('{{ if and (index .Tags "host") (not .Missing) }}yes{{ end }}'), 'yes');
  assert.equal(render('{{ if gt (index .Fields "value") 90.0 }}hot{{ end }}'), 'hot');
  assert.equal(render('{{ printf "%s=%d" "n" 5 }}'), 'n=5');
  assert.equal(render('{{ .Name | printf "%q" }}'), '"cpu"');
});

test('range, variables, with and whitespace trimming', () => {
  assert.equal(render('{{ range $k, $v := .Tags }}{{ $k }}={{ $v }};{{ end }}'), 'host=serverA;type=idle;');
  assert.equal(render('{{ $n := .Name }}{{ $n }}-{{ $n }}'), 'cpu-cpu');
  assert.equal(render('{{ with .Tags }}{{ .host }}{{ end }}'), 'serverA');
  assert.equal(render('a  {{- .Name -}}  b'), 'acpub');
});

test('html escaping for details templates, extra functions', () => {
  const t = compileTemplate('details', '<b>{{ .Name }}</b> {{ json .Tags }}', {
    html: true,
    funcs: { json: (v: unknown) => JSON.stringify(v) },
  });
  assert.equal(t.render({ Name: 'a<b>', Tags: { x: 1 } }), '<b>a&lt;b&gt;</b> {&#34;x&#34;:1}');
});

test('parse errors name the template and line', () => {
  assert.throws(() => compileTemplate('id', '{{ .Name '), TemplateError);
  assert.throws(() => compileTemplate('id', '{{ nosuch .Name }}'), /template: id:1: function "nosuch" not defined/);
  assert.throws(() => compileTemplate('id', '{{ if .X }}'), /unexpected EOF/);
  assert.throws(() => compileTemplate('id', '{{ if .X }}'.repeat(5000) + '{{ end }}'.repeat(5000)), /nested too deeply/);
  assert.throws(() => compileTemplate('id', `{{ ${'('.repeat(5000)}.X${')'.repeat(5000)} }}`), /nested too deeply/);
});

test('Go %v float printing and Sprintf', () => {
  assert.equal(goPrint(1e6), '1e+06');
  assert.equal(goPrint(123456), '123456');
  assert.equal(goPrint(0.5), '0.5');
  assert.equal(goPrint(1e-5), '1e-05');
  assert.equal(goSprintf('%0.3f|%5d|%-3s|%v', [1.23456, 42n, 'a', true]), '1.235|   42|a  |true');
  assert.equal(goSprintf('%0.3f %d %05d', [3n, 1.5, 42n]), '%!f(int64=3) %!d(float64=1.5) 00042');
});

test('fuzz: 20,000 random templates fail only with TemplateError, when parsing or rendering', () => {
  let a = 7;
  const r = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const parts = ['{{', '}}', '{{-', '-}}', ' .Name', ' .Tags', ' index', ' "host"', ' if', ' else', ' end', ' range', ' $x', ':=', ' |', ' printf', ' "%d"', ' eq', ' (', ' )', ' 1', ' 2.5', 'text', '"', '`', ' with', ' .Fields.value', ' len', ' and', ' or', ' not', ' nil'];
  for (let i = 0; i < 20_000; i++) {
    let src = '';
    const n = 1 + Math.floor(r() * 14);
    for (let k = 0; k < n; k++) src += parts[Math.floor(r() * parts.length)];
    try {
      compileTemplate('fuzz', src).render(data);
    } catch (err) {
      assert.ok(err instanceof TemplateError, `#${i} ${JSON.stringify(src)} threw ${String(err)}`);
    }
  }
});
