import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoDuration, GoMap, GoTemplate, GoTime, goFloat, sprintf } from './go-template.ts';

const data = {
  Name: 'cpu',
  Group: 'host=a',
  Tags: new GoMap({ host: 'a', dc: 'x' }),
  Fields: new GoMap({ value: 9.5, n: 3n, s: 'str' }),
  Level: 'CRITICAL',
  Time: new GoTime(Date.UTC(2017, 11, 5, 7, 19, 0), 0),
  Duration: new GoDuration(90e9),
};

test('fields, index and pipes', () => {
  assert.equal(new GoTemplate('{{ .Name }}:{{ .Group }}').render(data), 'cpu:host=a');
  assert.equal(new GoTemplate('kapacitor/{{ .Name }}/{{ index .Tags "host" }}').render(data), 'kapacitor/cpu/a');
  assert.equal(new GoTemplate('{{ .Tags.dc }}').render(data), 'x');
  assert.equal(new GoTemplate('{{ index .Fields "value" | printf "%0.3f" }}').render(data), '9.500');
  assert.equal(new GoTemplate('{{ index .Fields "n" }} {{ index .Fields "missing" }}').render(data), '3 <no value>');
});

test('time, duration and maps print as Go prints them', () => {
  assert.equal(new GoTemplate('{{ .Time }}').render(data), '2017-12-05 07:19:00 +0000 UTC');
  assert.equal(new GoTemplate('{{ .Duration }}').render(data), '1m30s');
  assert.equal(new GoTemplate('{{ .Tags }}').render(data), 'map[dc:x host:a]');
});

test('if / else if / else, eq, and, not, with, range, variables, trim markers', () => {
  const t = new GoTemplate('{{ if eq .Level "OK" }}alive{{ else if eq .Level "CRITICAL" }}dead{{ else }}sick{{ end }}');
  assert.equal(t.render(data), 'dead');
  assert.equal(t.render({ ...data, Level: 'OK' }), 'alive');
  assert.equal(t.render({ ...data, Level: 'INFO' }), 'sick');
  assert.equal(new GoTemplate('{{ if and (eq .Name "cpu") (not false) }}y{{ end }}').render(data), 'y');
  assert.equal(new GoTemplate('{{ with .Tags }}{{ .host }}{{ end }}').render(data), 'a');
  assert.equal(new GoTemplate('{{ range $k, $v := .Tags }}{{ $k }}={{ $v }};{{ end }}').render(data), 'dc=x;host=a;');
  assert.equal(new GoTemplate('{{ $n := .Name }}{{ $n }}-{{ $.Group }}').render(data), 'cpu-host=a');
  assert.equal(new GoTemplate('a  {{- .Name -}}  b').render(data), 'acpub');
  assert.equal(new GoTemplate('{{/* comment */}}x').render(data), 'x');
});

test('html mode escapes action output but not literal text', () => {
  const t = new GoTemplate('<b>{{ .Name }}</b>', { html: true });
  assert.equal(t.render({ Name: `a<"&'+>` }), '<b>a&lt;&#34;&amp;&#39;&#43;&gt;</b>');
});

test('errors: unknown function, bad field, unclosed action', () => {
  assert.throws(() => new GoTemplate('{{ nope . }}'), /function "nope" not defined/);
  assert.throws(() => new GoTemplate('{{ .Name '), /unclosed action/);
  assert.throws(() => new GoTemplate('{{ .Name.X }}').render(data), /can't evaluate field X/);
  assert.throws(() => new GoTemplate('{{ if .Name }}x').render(data), /unexpected EOF/);
});

test('Go float and printf formatting', () => {
  assert.equal(goFloat(9), '9');
  assert.equal(goFloat(0.1), '0.1');
  assert.equal(goFloat(123456), '123456');
  assert.equal(goFloat(1234567), '1.234567e+06');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(sprintf('%d|%5.1f|%-4s|%q|%v|%%|%t', [3n, 2.25, 'ab', 'x', 1.5, true]), '3|  2.2|ab  |"x"|1.5|%|true');
  assert.equal(sprintf('%d', [1.5]), '%!d(float64=1.5)');
});
