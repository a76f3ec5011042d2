import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateProgram } from '../tick/evaluate.ts';
import { parse } from '../tick/parser.ts';
import type { PipelineNode } from '../tick/pipeline.ts';
import { type FieldNeeds, fieldsReadFrom } from './field-needs.ts';

function needs(script: string): FieldNeeds[] {
  const pipeline = evaluateProgram(parse(script), 'stream').pipeline as unknown as { nodes: PipelineNode[] };
  return pipeline.nodes.filter((n) => n.kind === 'from').map(fieldsReadFrom);
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
      `stream|from()|httpOut('x')`,
      `stream|from()|eval(lambda: "x" * 2.0).as('y').keep()|mean('y')`,
      `stream|from()|window().period(1m)|last('x')|httpOut('x')`,
      `stream|from()|default().field('x', 1.0)|mean('x')`,
      `stream|from()|alert().crit(lambda: "x" > 1)`,
      `var a = stream|from()
       a|mean('x')
       a|httpOut('raw')`,
    ];
    for (const script of all) assert.deepEqual(needs(script), ['all'], script);
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
