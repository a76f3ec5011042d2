import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatScript } from './format.ts';
import { seed000 } from './testdata/seeds.ts';

const cases: Array<[string, string]> = [
  ['var a=5', 'var a = 5\n'],
  ['var a = 0.50', 'var a = 0.5\n'],
  ['var a = 3.', 'var a = 3.0\n'],
  ['var a=010', 'var a = 010\n'],
  ['var d=90s', 'var d = 90s\n'],
  ["var s='it\\'s'", "var s = 'it\\'s'\n"],
  ["var t='''a 'raw'\nstring'''", "var t = '''a 'raw'\nstring'''\n"],
  ['var r=/^a\\/b$/', 'var r = /^a\\/b$/\n'],
  ['var l=[ \'a\',b ,*]', 'var l = [\'a\', b, *]\n'],
  ['dbrp "db"."rp"', 'dbrp "db"."rp"\n'],
  ['var x int', 'var x int\n'],
  [
    "stream|from().measurement('cpu')|window().period(10s).every(10s)|mean('v')",
    "stream\n    |from()\n        .measurement('cpu')\n    |window()\n        .period(10s)\n        .every(10s)\n    |mean('v')\n",
  ],
  ['var f = lambda: ("a" + 1)  *2 > 3 AND NOT_A', 'var f = lambda: ("a" + 1) * 2 > 3 AND NOT_A\n'],
  ['var u = lambda: -"x" > 0 OR !TRUE', 'var u = lambda: -"x" > 0 OR !TRUE\n'],
  [
    "// top\n//   second\n\nstream|from()\n// on where\n.where(lambda: TRUE)",
    // Kapacitor trims one space after `//` and attaches the comment to the next node.
    '// top\n//   second\nstream\n    |from()\n        // on where\n        .where(lambda: TRUE)\n',
  ],
  ['batch|query(\'SELECT 1\')@myUdf().opt(1)', "batch\n    |query('SELECT 1')\n    @myUdf()\n        .opt(1)\n"],
  [
    'var m = stream\n    |eval(lambda: "a",\n        lambda: "b")',
    'var m = stream\n    |eval(\n        lambda: "a",\n        lambda: "b"\n    )\n',
  ],
];

test('formatter prints the canonical form', () => {
  for (const [input, expected] of cases) assert.equal(formatScript(input), expected, input);
});

test('formatting is idempotent', () => {
  for (const [input] of cases) {
    const once = formatScript(input);
    assert.equal(formatScript(once), once, input);
  }
});

test('the seed 000 script is already canonical: formatting returns it unchanged', () => {
  const { request, response } = seed000();
  assert.equal(formatScript(request.script), response.script);
});

test('a script that does not parse is reported, not formatted', () => {
  assert.throws(() => formatScript('stream|from('), /^Error|parser: unexpected EOF/);
});
