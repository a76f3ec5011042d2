// Where an output node sends points: its database, retention policy, measurement override and extra tags.

import type { Fields, Point, Tags } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { propCalls, propString } from '../props.ts';

/** The `.database()`, `.retentionPolicy()`, `.measurement()` and `.tag(k, v)` of influxDBOut and kapacitorLoopback. */
export class PointTarget {
  readonly database: string;
  readonly retentionPolicy: string;
  /** Empty keeps each point's own measurement. */
  readonly measurement: string;
  readonly #tags: [string, string][] = [];

  constructor(spec: PipelineNode) {
    this.database = propString(spec, 'database');
    this.retentionPolicy = propString(spec, 'retentionPolicy');
    this.measurement = propString(spec, 'measurement');
    for (const [k, v] of propCalls(spec, 'tag')) if (typeof k === 'string' && typeof v === 'string') this.#tags.push([k, v]);
  }

  /** A point addressed to this target, with the extra tags added over the point's own. */
  retarget(name: string, tags: Tags, p: { fields: Point['fields']; timeMs: number; timeNs: number }): Point {
    let outTags = tags;
    if (this.#tags.length > 0) {
      outTags = { ...tags };
      for (const [k, v] of this.#tags) outTags[k] = v;
    }
    return {
      database: this.database,
      retentionPolicy: this.retentionPolicy,
      name: this.measurement !== '' ? this.measurement : name,
      tags: outTags,
      fields: withoutNulls(p.fields),
      timeMs: p.timeMs,
      timeNs: p.timeNs,
    };
  }
}

/** Line protocol has no null: the nil fields of a null-filled join are left out (the same object when there are none). */
function withoutNulls(fields: Fields): Fields {
  for (const k in fields) {
    if (fields[k] === null) {
      const out: Fields = {};
      for (const j in fields) if (fields[j] !== null) out[j] = fields[j];
      return out;
    }
  }
  return fields;
}
