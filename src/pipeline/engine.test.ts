// Engine tests: Kapacitor's representative stream cases (reference §6.3) run on the engine directly.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, EngineHarness } from './testing.ts';

const T0 = 1_600_000_000;

describe('reference cases', () => {
  it('case 1: window + count', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('test')|window().period(10s).every(10s)|count('value')|httpOut('count')`);
    assert.deepEqual(h.out('t', 'count'), { series: null });
    h.write([0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11].map((t) => `test value=1 ${t}`));
    assert.deepEqual(h.out('t', 'count'), {
      series: [{ name: 'test', columns: ['time', 'count'], values: [['1970-01-01T00:00:10Z', 15]] }],
    });
  });

  it('case 2: window with every < period', () => {
    const h = new EngineHarness();
    h.start(
      't',
      `var period = 3s
var every = 2s
stream|from().database('dbname').retentionPolicy('rpname').measurement('cpu').where(lambda: "host" == 'serverA')
|window().period(period).every(every)|count('value')|httpOut('w')`,
      [{ db: 'dbname', rp: 'rpname' }],
    );
    const vals = [97.1, 92.4, 93.4, 95.3, 96.4, 95.1];
    h.write([0, 7, 8, 9, 10, 11].map((s, i) => `cpu,type=idle,host=serverA value=${vals[i]} ${T0 + s}`), 'dbname', 'rpname');
    assert.deepEqual(h.out('t', 'w'), { series: [{ name: 'cpu', columns: ['time', 'count'], values: [[at(T0, 11), 3]] }] });
  });

  it('case 3: derivative with a bad point', () => {
    const h = new EngineHarness();
    const task = h.start(
      't',
      `stream|from().measurement('packets')|derivative('value')|window().period(10s).every(10s)|mean('value')|httpOut('d')`,
    );
    const v = [1000, 1001, null, 1003, 1004, 1006, 1007, 1007, 1008, 1009, 1010, 1011];
    h.write(v.map((x, i) => (x === null ? `packets value2=0 ${T0 + i}` : `packets value=${x} ${T0 + i}`)));
    assert.deepEqual(h.out('t', 'd'), { series: [{ name: 'packets', columns: ['time', 'mean'], values: [[at(T0, 11), 1]] }] });
    assert.equal(task.executionStats()['node-stats']['derivative2'].errors, 1);
  });

  it('case 4: stateful lambda per group', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('types').groupBy('group')|eval(lambda: count()).as('count')|httpOut('e')`);
    h.write([`types,group=A value=42 ${T0}`, `types,group=B value=42 ${T0}`, `types,group=A value=24 ${T0 + 1}`, `types,group=B value=24 ${T0 + 1}`]);
    assert.deepEqual(h.out('t', 'e'), {
      series: [
        { name: 'types', tags: { group: 'A' }, columns: ['time', 'count'], values: [[at(T0, 1), 2]] },
        { name: 'types', tags: { group: 'B' }, columns: ['time', 'count'], values: [[at(T0, 1), 2]] },
      ],
    });
  });

  const stateLines = [
    `cpu,host=serverA value=97.1 ${T0}`,
    `cpu,host=serverB value=47.0 ${T0}`,
    `cpu,host=serverA value=96.6 ${T0 + 1}`,
    `cpu,host=serverB value=95.1 ${T0 + 1}`,
    `cpu,host=serverA value=83.6 ${T0 + 2}`,
    `cpu,host=serverB x=95.6 ${T0 + 2}`,
    `cpu,host=serverA value=99.1 ${T0 + 3}`,
    `cpu,host=serverB value=96.1 ${T0 + 3}`,
    `cpu,host=serverA value=0 ${T0 + 4}`,
    `cpu,host=serverB value=0 ${T0 + 4}`,
  ];

  it('case 5: stateDuration', () => {
    const h = new EngineHarness();
    h.start(
      't',
      `var data = stream|from().measurement('cpu')|groupBy('host')
data|stateDuration(lambda: "value" > 95).unit(1ms).as('my_duration')|window().period(4s).every(4s)|httpOut('s')
data|stateDuration(lambda: "value" > 95)`,
    );
    h.write(stateLines);
    assert.deepEqual(h.out('t', 's'), {
      series: [
        {
          name: 'cpu',
          tags: { host: 'serverA' },
          columns: ['time', 'my_duration', 'value'],
          values: [
            [at(T0, 0), 0, 97.1],
            [at(T0, 1), 1000, 96.6],
            [at(T0, 2), -1, 83.6],
            [at(T0, 3), 0, 99.1],
          ],
        },
        {
          name: 'cpu',
          tags: { host: 'serverB' },
          columns: ['time', 'my_duration', 'value'],
          values: [
            [at(T0, 0), -1, 47],
            [at(T0, 1), 0, 95.1],
            [at(T0, 3), 2000, 96.1],
          ],
        },
      ],
    });
  });

  it('case 5: stateCount', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('cpu')|groupBy('host')|stateCount(lambda: "value" > 95).as('my_count')|window().period(4s).every(4s)|httpOut('s')`);
    h.write(stateLines);
    const body = h.out('t', 's').series!;
    assert.deepEqual(
      body.map((r) => (r.values as unknown[][]).map((v) => v[1])),
      [
        [1, 2, -1, 1],
        [-1, 1, 2],
      ],
    );
  });

  it('case 6: delete + groupBy(*)', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('cpu')|delete().field('anothervalue').tag('type')|groupBy(*)|httpOut('x')`);
    h.write([
      `cpu,type=idle,host=serverA value=9,anothervalue=4.2 ${T0}`,
      `cpu,type=system,host=serverB value=6,anothervalue=24 ${T0}`,
      `cpu,type=user,host=serverC value=3,anothervalue=42 ${T0}`,
    ]);
    assert.deepEqual(h.out('t', 'x'), {
      series: ['A', 'B', 'C'].map((s, i) => ({
        name: 'cpu',
        tags: { host: `server${s}` },
        columns: ['time', 'value'],
        values: [[at(T0, 0), [9, 6, 3][i]]],
      })),
    });
  });

  it('case 7: join .on() across measurements', () => {
    const h = new EngineHarness();
    h.start(
      't',
      `var building = stream|from().measurement('building_power').groupBy('building')
var floor = stream|from().measurement('floor_power').groupBy('building','floor')
building|join(floor).as('building','floor').on('building').streamName('power_floor_percentage')
|eval(lambda: "floor.value" / "building.value").as('value')|httpOut('j')`,
    );
    h.write([
      `building_power,building=shack value=30 ${T0}`,
      `floor_power,building=shack,floor=1 value=7 ${T0}`,
      `floor_power,building=shack,floor=2 value=11 ${T0}`,
      `floor_power,building=shack,floor=3 value=12 ${T0}`,
      `building_power,building=hut value=40 ${T0}`,
      `floor_power,building=hut,floor=1 value=19 ${T0}`,
      `floor_power,building=hut,floor=2 value=21 ${T0}`,
    ]);
    const series = h.out('t', 'j').series!;
    const expected = [
      ['shack', '1', 7 / 30],
      ['shack', '2', 11 / 30],
      ['shack', '3', 12 / 30],
      ['hut', '1', 19 / 40],
      ['hut', '2', 21 / 40],
    ].map(([b, f, v]) => ({
      name: 'power_floor_percentage',
      tags: { building: b, floor: f },
      columns: ['time', 'value'],
      values: [[at(T0, 0), v]],
    }));
    assert.deepEqual(series, expected);
  });
});

describe('seed 000: relative change against 10 minutes earlier', () => {
  it('joins the value with the shifted one per group', () => {
    const h = new EngineHarness();
    h.start(
      't',
      `var data = stream
    |from()
        .database('api')
        .retentionPolicy('autogen')
        .measurement('account_login')
        .groupBy(['third_type'])
        .where(lambda: TRUE)
    |eval(lambda: "value")
        .as('value')
var past = data
    |shift(10m)
var current = data
var trigger = past
    |join(current)
        .as('past', 'current')
    |eval(lambda: abs(float("current.value" - "past.value")) / float("past.value") * 100.0)
        .keep()
        .as('value')
trigger
    |httpOut('output')
`,
      [{ db: 'api', rp: 'autogen' }],
    );
    const lines: string[] = [];
    for (let m = 0; m <= 12; m++) {
      lines.push(`account_login,third_type=qq value=${100 + m * 10} ${T0 + m * 60}`);
      lines.push(`account_login,third_type=wx value=${50} ${T0 + m * 60}`);
    }
    h.write(lines, 'api', 'autogen');
    const series = h.out('t', 'output').series!;
    assert.equal(series.length, 2);
    // Minute 12 against minute 2: qq 220 vs 120 → 83.33…%; wx constant → 0.
    const qq = series.find((s) => (s.tags as Record<string, string>).third_type === 'qq')!;
    assert.deepEqual(qq.columns, ['time', 'current.value', 'past.value', 'value']);
    assert.deepEqual(qq.values, [[at(T0, 12 * 60), 220, 120, (100 / 120) * 100]]);
    const wx = series.find((s) => (s.tags as Record<string, string>).third_type === 'wx')!;
    assert.deepEqual(wx.values, [[at(T0, 12 * 60), 50, 50, 0]]);
  });
});

describe('engine lifecycle and memory', () => {
  it('expires idle groups from every node with the engine-wide default', () => {
    const h = new EngineHarness({ groupIdleMs: 5_000 });
    const task = h.start('t', `stream|from().measurement('m').groupBy('h')|window().period(10s).every(10s)|count('value')|httpOut('o')`);
    h.write([`m,h=a value=1 ${T0}`, `m,h=b value=1 ${T0}`, `m,h=a value=1 ${T0 + 10}`, `m,h=b value=1 ${T0 + 10}`]);
    assert.equal(task.workingCardinality(), 4); // window and httpOut, two groups each
    h.advance(3_000);
    h.write([`m,h=a value=1 ${T0 + 11}`]);
    h.advance(3_000);
    assert.equal(task.workingCardinality(), 2); // only group a is left, in window and httpOut
    assert.deepEqual(
      h.out('t', 'o').series!.map((r) => (r.tags as Record<string, string>).h),
      ['a'],
    );
    // A group that comes back starts clean.
    h.write([`m,h=b value=1 ${T0 + 20}`, `m,h=b value=1 ${T0 + 30}`]);
    const b = h.out('t', 'o').series!.find((r) => (r.tags as Record<string, string>).h === 'b')!;
    assert.deepEqual(b.values, [[at(T0, 30), 1]]);
  });

  it('stopping a task frees its state and unsubscribes it', () => {
    const h = new EngineHarness();
    const task = h.start('t', `stream|from().measurement('m').groupBy('h')|httpOut('o')`);
    h.write([`m,h=a value=1 ${T0}`]);
    assert.equal(h.router.subscriberCount('db', 'rp'), 1);
    h.engine.stop('t');
    assert.equal(task.workingCardinality(), 0);
    assert.equal(h.router.subscriberCount('db', 'rp'), 0);
    assert.equal(h.engine.httpOut('t', 'o'), undefined);
  });

  it('other modules add node kinds through the registry', () => {
    const h = new EngineHarness();
    assert.throws(() => h.start('t', `stream|from().measurement('m')|alert().crit(lambda: TRUE)`), { code: 'E_PIPELINE_UNKNOWN_NODE' });
    assert.equal(h.engine.isExecuting('t'), false);
  });

  it('keeps the executing DOT edge order of Kapacitor (children in topological order)', () => {
    const h = new EngineHarness();
    const task = h.start('t', `var d = stream|from().measurement('m')
d|shift(1s)|join(d).as('a', 'b')|httpOut('o')`);
    const edges = task
      .dot()
      .split('\n')
      .filter((l) => l.includes('->'))
      .map((l) => l.replace(/ \[.*$/, ''));
    assert.deepEqual(edges, ['stream0 -> from1', 'from1 -> shift2', 'from1 -> join4', 'shift2 -> join4', 'join4 -> http_out5']);
  });
});
