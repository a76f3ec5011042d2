// TICKscript compile speed: parse + evaluate + compile every lambda of a 200-line script (target < 10 ms).

import { performance } from 'node:perf_hooks';
import { formatScript } from '../src/tick/format.ts';
import { compileTask } from '../src/tick/index.ts';
import { compileLambda } from '../src/tick/lambda/compile.ts';
import type { LambdaScope } from '../src/tick/lambda/types.ts';
import { parse, parseLambdaExpression } from '../src/tick/parser.ts';

/** A realistic 200-line script: vars, a Chronograf-style alert, joins, windows and several output branches. */
export function script200(): string {
  const lines: string[] = ['dbrp "telegraf"."autogen"', ''];
  for (let i = 0; i < 12; i++) lines.push(`// threshold ${i}`, `var crit${i} = ${80 + i}.5`, '');
  lines.push("var measurement = 'cpu'", "var groupBy = ['host', 'region']", 'var period = 5m', 'var every = 1m', '');
  lines.push(
    'var data = stream',
    '    |from()',
    "        .database('telegraf')",
    "        .retentionPolicy('autogen')",
    '        .measurement(measurement)',
    '        .groupBy(groupBy)',
    '        .where(lambda: "cpu" == \'cpu-total\' AND "host" =~ /^web-\\d+$/)',
    '',
  );
  let n = 0;
  while (lines.length < 198) {
    const i = n % 12;
    lines.push(
      `var w${n} = data`,
      '    |window()',
      '        .period(period)',
      '        .every(every)',
      `    |mean('usage_user')`,
      `        .as('value')`,
      `w${n}`,
      '    |alert()',
      `        .crit(lambda: "value" > crit${i} AND sigma("value") > 2.0)`,
      `        .warn(lambda: "value" > crit${i} - 10.0 OR strHasPrefix("host", 'db'))`,
      "        .id('{{ .Name }}/{{ index .Tags \"host\" }}')",
      "        .message('{{ .ID }} is {{ .Level }}')",
      '        .stateChangesOnly()',
      `        .post('http://alerts.local/${n}')`,
      `    |influxDBOut()`,
      "        .database('alerts')",
      `        .tag('rule', 'r${n}')`,
      '',
    );
    n++;
  }
  lines.push('data', "    |httpOut('latest')");
  return `${lines.join('\n')}\n`;
}

function timeIt(runs: number, fn: () => void): number {
  for (let i = 0; i < 20; i++) fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - start) / runs;
}

export async function run(): Promise<{ name: string; value: number; unit: string; target?: string }[]> {
  const script = script200();
  const lineCount = script.split('\n').length - 1;
  const compileMs = timeIt(200, () => compileTask(script));
  const parseMs = timeIt(200, () => parse(script));
  const formatMs = timeIt(200, () => formatScript(script));
  // The per-point cost of a typical alert lambda, compiled once to closures.
  const crit = compileLambda(parseLambdaExpression('"usage_user" > 90.5 AND "host" =~ /^web-/ OR "usage_system" >= 80.0').expression);
  const scopes: LambdaScope[] = [];
  for (let i = 0; i < 1000; i++) {
    scopes.push({ fields: { usage_user: i % 100, usage_system: (i * 7) % 100 }, tags: { host: i % 2 ? 'web-1' : 'db-1' }, timeMs: i, timeNs: 0 });
  }
  let hits = 0;
  const evalMs = timeIt(200, () => {
    for (const sc of scopes) if (crit.evalBool(sc)) hits++;
  });
  if (hits === 0) throw new Error('the benchmark lambda never matched');
  return [
    { name: `compile a ${lineCount}-line TICKscript (parse, evaluate, compile lambdas)`, value: compileMs, unit: 'ms', target: '< 10 ms' },
    { name: `parse a ${lineCount}-line TICKscript`, value: parseMs, unit: 'ms' },
    { name: `format a ${lineCount}-line TICKscript`, value: formatMs, unit: 'ms' },
    { name: 'evaluate a 3-comparison alert lambda', value: (1000 / evalMs) * 1000, unit: 'points/s' },
  ];
}
