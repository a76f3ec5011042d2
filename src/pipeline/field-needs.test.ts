import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateProgram } from '../tick/evaluate.ts';
import { parse } from '../tick/parser.ts';
import type { PipelineNode } from '../tick/pipeline.ts';
import { type FieldNeeds, type FromFieldNeeds, fieldsReadFrom } from './field-needs.ts';

function readFrom(script: string): FromFieldNeeds[] {
  const pipeline = evaluateProgram(parse(script), 'stream').pipeline as unknown as { nodes: PipelineNode[] };
  return pipeline.nodes.filter((n) => n.kind === 'from').map(fieldsReadFrom);
}

function needs(script: string): FieldNeeds[] {
  return readFrom(script).map((r) => r.needs);
}

/** The endpoints of the httpOut leaves that read the latest point later. */
function latestOnly(script: string): string[][] {
  return readFrom(script).map((r) => r.latestOnly.map((n) => String(n.args[0])));
}

const sorted = (n: FieldNeeds) => (n === 'all' ? 'all' : [...n].sort());

describe('fieldsReadFrom', () => {
  it('narrows to the field an aggregate reads, through pass-through nodes', () => {
    const [n] = needs(`stream|from().measurement('cpu')|groupBy('host')|window().period(10s).every(10s)|mean('usage')|httpOut('x')`);
    assert.deepEqual(sorted(n), ['usage']);
  });

  it('adds the references of where lambdas, in from() and in where nodes', () => {
    const [n] = needs(`stream|from().where(lambda: "host" == 'a' AND "a" > 1)|where(lambda: "b" < 2)|sum('c')|httpOut('x')`);
    assert.deepEqual(sorted(n), ['a', 'b', 'c', 'host']);
  });

  it('stops at eval without keep(), which emits only its results', () => {
    const [n] = needs(`stream|from()|eval(lambda: "x" * 2.0).as('y')|httpOut('x')`);
    assert.deepEqual(sorted(n), ['x']);
  });

  it('reads every field when a node may see or pass on all of them', () => {
    const all = [
      `stream|from()|httpOut('x')|log()`,
      `stream|from()|eval(lambda: "x" * 2.0).as('y').keep()|mean('y')`,
      `stream|from()|window().period(1m)|last('x')|httpOut('x')`,
      `stream|from()|default().field('x', 1.0)|mean('x')`,
      `stream|from()|alert().crit(lambda: "x" > 1)`,
      `var a = stream|from()
       a|derivative('x')
       a|httpOut('raw')`,
      `stream|from()|window().period(1m)|httpOut('x')`,
      `stream|from()|shift(1m)|httpOut('x')`,
    ];
    for (const script of all) {
      assert.deepEqual(needs(script), ['all'], script);
      assert.deepEqual(latestOnly(script), [[]], script);
    }
  });

  it('sets apart the httpOut leaves that only same-point nodes separate from the from()', () => {
    const script = `stream|from().measurement('cpu').where(lambda: "idle" > 50.0)|groupBy('host')|where(lambda: "user" < 2.0)|httpOut('x')`;
    assert.deepEqual(sorted(needs(script)[0]), ['idle', 'user']);
    assert.deepEqual(latestOnly(script), [['x']]);
    assert.deepEqual(needs(`stream|from()|httpOut('x')`).map(sorted), [[]]);
  });

  it('keeps what the other branches read beside an httpOut leaf', () => {
    const script = `var a = stream|from()
      a|mean('x')
      a|sample(2)|httpOut('raw')
      a|window().period(1m)|httpOut('w')`;
    // The window's httpOut reads batches of whole points: it is not a latest-point leaf.
    assert.deepEqual(needs(script), ['all']);
    const narrow = `var a = stream|from()
      a|mean('x')
      a|sample(2)|httpOut('raw')`;
    assert.deepEqual(needs(narrow).map(sorted), [['x']]);
    assert.deepEqual(latestOnly(narrow), [['raw']]);
  });

  it('unites what every branch below a from() reads', () => {
    const [n] = needs(`var a = stream|from()
      a|mean('x')
      a|derivative('y')|httpOut('d')
      a|eval(lambda: "z" + 1.0).as('w')`);
    // derivative is not known to be narrow, so it reads everything.
    assert.equal(n, 'all');
    const [m] = needs(`var a = stream|from()
      a|mean('x')
      a|difference('y')
      a|eval(lambda: "z" + 1.0).as('w')`);
    assert.deepEqual(sorted(m), ['x', 'y', 'z']);
  });
});
