// The job plan: plugins built from a config, wired into datasets, grouped into pipelines, and the jobDag view.

import type { JsonObject, JsonValue } from './config/hocon.ts';
import type { EnvOptions, JobConfig, PluginConfig } from './config/job-config.ts';
import type { ConnectorContext, ConnectorServices, PluginFactory, Sink, Source, Transform } from './connectors/contract.ts';
import { configInvalid, factoryFailed } from './errors.ts';
import { isDomainError } from '../core/errors.ts';
import { PerTableSink } from './per-table-sink.ts';
import type { TableSchema } from './row.ts';

export interface PlannedSource {
  cfg: PluginConfig;
  source: Source;
  dataset: string;
  /** The tables the source produces, by table index (one for a single-table source). */
  tables: TableSchema[];
  parallelism: number;
}
export interface PlannedTransform {
  cfg: PluginConfig;
  /** One instance per input table (the tables of all inputs, in input order). */
  transforms: Transform[];
  inputs: string[];
  dataset: string;
  /** The output tables: entry i is what instance i produces. */
  tables: TableSchema[];
}
export interface PlannedSink {
  cfg: PluginConfig;
  /** A single-table or `multiTable` sink, or a PerTableSink over one instance per table. */
  sink: Sink;
  inputs: string[];
  /** The input tables (of all inputs, in input order); the engine opens the sink once per entry. */
  tables: TableSchema[];
  parallelism: number;
}
export interface Pipeline {
  id: number;
  sources: number[];
  transforms: number[];
  sinks: number[];
}

export interface JobPlan {
  sources: PlannedSource[];
  transforms: PlannedTransform[];
  sinks: PlannedSink[];
  pipelines: Pipeline[];
  /** Dataset name → its tables' paths, by table index. */
  tables: Map<string, string[]>;
}

export interface JobDag {
  jobId: string;
  envOptions: Record<string, string>;
  pipelineEdges: Record<string, { inputVertexId: string; targetVertexId: string }[]>;
  vertexInfoMap: { vertexId: number; type: 'source' | 'transform' | 'sink'; vertexName: string; tablePaths: string[] }[];
}

export type Registry = ReadonlyMap<string, PluginFactory>;

export function makeRegistry(factories: readonly PluginFactory[]): Registry {
  const map = new Map<string, PluginFactory>();
  for (const f of factories) map.set(`${f.kind}:${f.name.toLowerCase()}`, f);
  return map;
}

function factoryFor<K extends PluginFactory['kind']>(registry: Registry, kind: K, name: string): Extract<PluginFactory, { kind: K }> {
  const f = registry.get(`${kind}:${name.toLowerCase()}`);
  if (!f) throw factoryFailed(`Plugin ${kind === 'transform' ? 'Transform' : kind === 'source' ? 'Source' : 'Sink'}[${name}] not found`);
  return f as Extract<PluginFactory, { kind: K }>;
}

/** Runs a connector constructor; anything other than our own option errors becomes API-06. */
function construct<T>(cfg: PluginConfig, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (isDomainError(err)) throw err;
    throw factoryFailed(`${cfg.pluginName}: ${(err as Error).message}`);
  }
}

export interface PlanContext {
  jobId: string;
  env: EnvOptions;
  registry: Registry;
  services: ConnectorServices;
  log: (line: string) => void;
}

/** Builds every plugin (validating its options) and wires them; errors here fail the submit call. */
export async function buildPlan(config: JobConfig, pc: PlanContext): Promise<JobPlan> {
  const ctx = (cfg: PluginConfig): ConnectorContext => ({
    jobId: pc.jobId,
    mode: pc.env.mode,
    pluginName: cfg.pluginName,
    options: cfg.options,
    outputTable: cfg.output,
    services: pc.services,
    log: pc.log,
  });
  const datasets = new Map<string, TableSchema[]>();
  const register = (name: string, tables: TableSchema[], owner: PluginConfig) => {
    if (datasets.has(name)) throw configInvalid(`${owner.section}[${owner.index}] registers '${name}', which another plugin already registers`);
    datasets.set(name, tables);
  };
  /** The tables of every input, in input order: a consumer's table index runs across its inputs. */
  const inputTables = (cfg: PluginConfig, names: string[]): TableSchema[] =>
    names.flatMap((n) => {
      const tables = datasets.get(n);
      if (!tables) throw configInvalid(`${cfg.section}[${cfg.index}] ${cfg.pluginName} reads '${n}', which no source or transform registers`);
      return tables;
    });

  const sources: PlannedSource[] = [];
  for (const [i, cfg] of config.sources.entries()) {
    const source = construct(cfg, () => factoryFor(pc.registry, 'source', cfg.pluginName).create(ctx(cfg)));
    try {
      await source.prepare?.();
    } catch (err) {
      if (isDomainError(err)) throw err;
      throw factoryFailed(`${cfg.pluginName}: ${(err as Error).message}`);
    }
    const tables = source.tables?.() ?? [source.schema()];
    if (tables.length === 0) throw configInvalid(`source[${i}] ${cfg.pluginName} produces no table`);
    const dataset = cfg.output ?? `__source_${i}`;
    register(dataset, tables, cfg);
    sources.push({ cfg, source, dataset, tables, parallelism: cfg.parallelism ?? pc.env.parallelism });
  }

  let previous: string[] = sources.length > 0 ? [sources[sources.length - 1].dataset] : [];
  const transforms = config.transforms.map((cfg, i): PlannedTransform => {
    const inputs = cfg.inputs ?? previous;
    const factory = factoryFor(pc.registry, 'transform', cfg.pluginName);
    const instances: Transform[] = [];
    const tables = inputTables(cfg, inputs).map((input) => {
      const transform = construct(cfg, () => factory.create(ctx(cfg)));
      instances.push(transform);
      return construct(cfg, () => transform.open(input));
    });
    const dataset = cfg.output ?? `__transform_${i}`;
    register(dataset, tables, cfg);
    previous = [dataset];
    return { cfg, transforms: instances, inputs, dataset, tables };
  });

  const unwired = transforms.length > 0 ? [transforms[transforms.length - 1].dataset] : sources.map((s) => s.dataset);
  const sinks = config.sinks.map((cfg): PlannedSink => {
    const inputs = cfg.inputs ?? unwired;
    const tables = inputTables(cfg, inputs);
    const factory = factoryFor(pc.registry, 'sink', cfg.pluginName);
    const make = (table: TableSchema | undefined) =>
      construct(cfg, () => factory.create(ctx(table ? { ...cfg, options: sinkPlaceholders(cfg.options, table) } : cfg)));
    // SeaTunnel's MultiTableSink: one writer per table, each with the placeholders of its table.
    const sink = factory.multiTable ? make(undefined) : tables.length === 1 ? make(tables[0]) : new PerTableSink(tables.map((t) => make(t)));
    return { cfg, sink, inputs, tables, parallelism: cfg.parallelism ?? pc.env.parallelism };
  });

  const tablePaths = new Map([...datasets].map(([name, tables]) => [name, tables.map((t) => t.table)]));
  return { sources, transforms, sinks, pipelines: pipelinesOf(sources, transforms, sinks), tables: tablePaths };
}

const PLACEHOLDER = /\$\{(database_name|schema_name|table_name|schema_full_name|table_full_name|primary_key|unique_key|field_names)\}/g;

/**
 * SeaTunnel's reserved sink placeholders (`${table_name}`, `${database_name}`, ...), filled from the
 * table the sink reads. The table path is `db.schema.table`, `db.table` or `table`.
 */
export function sinkPlaceholders(options: JsonObject, schema: TableSchema): JsonObject {
  const tablePath = schema.table;
  const parts = tablePath.split('.');
  const table = parts[parts.length - 1];
  const database = parts.length > 1 ? parts[0] : '';
  const schemaName = parts.length > 2 ? parts[1] : '';
  const values: Record<string, string> = {
    database_name: database,
    schema_name: schemaName,
    table_name: table,
    schema_full_name: parts.slice(0, -1).join('.'),
    table_full_name: tablePath,
    primary_key: (schema.primaryKey ?? []).join(','),
    unique_key: (schema.constraintKeys ?? [])
      .filter((k) => k.type === 'UNIQUE_KEY')
      .flatMap((k) => k.columns.map((c) => c.name))
      .join(','),
    field_names: schema.fields.map((f) => f.name).join(','),
  };
  const fill = (v: JsonValue): JsonValue => {
    if (typeof v === 'string') return v.replace(PLACEHOLDER, (_m, name: string) => values[name]);
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(options) as JsonObject;
}

/** Connected components of the plugin graph, numbered from 1 in source order. */
function pipelinesOf(sources: PlannedSource[], transforms: PlannedTransform[], sinks: PlannedSink[]): Pipeline[] {
  const keys = [...sources.map((_, i) => `s${i}`), ...transforms.map((_, i) => `t${i}`), ...sinks.map((_, i) => `k${i}`)];
  const parent = new Map(keys.map((k) => [k, k]));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  const producer = new Map<string, string>();
  sources.forEach((s, i) => {
    producer.set(s.dataset, `s${i}`);
  });
  transforms.forEach((t, i) => {
    producer.set(t.dataset, `t${i}`);
  });
  transforms.forEach((t, i) => {
    for (const d of t.inputs) union(`t${i}`, producer.get(d)!);
  });
  sinks.forEach((s, i) => {
    for (const d of s.inputs) union(`k${i}`, producer.get(d)!);
  });
  const byRoot = new Map<string, Pipeline>();
  const out: Pipeline[] = [];
  const get = (k: string) => {
    const root = find(k);
    let p = byRoot.get(root);
    if (!p) {
      p = { id: out.length + 1, sources: [], transforms: [], sinks: [] };
      byRoot.set(root, p);
      out.push(p);
    }
    return p;
  };
  sources.forEach((_, i) => {
    get(`s${i}`).sources.push(i);
  });
  transforms.forEach((_, i) => {
    get(`t${i}`).transforms.push(i);
  });
  sinks.forEach((_, i) => {
    get(`k${i}`).sinks.push(i);
  });
  return out;
}

/**
 * One pipeline's part of a plan, renumbered from 0, so that each pipeline runs, checkpoints and
 * restarts on its own (SeaTunnel restarts a failed pipeline, not the job).
 */
export function pipelinePlan(plan: JobPlan, p: Pipeline): JobPlan {
  const pick = <T>(all: T[], idx: number[]) => idx.map((i) => all[i]);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    sources: pick(plan.sources, p.sources),
    transforms: pick(plan.transforms, p.transforms),
    sinks: pick(plan.sinks, p.sinks),
    pipelines: [{ id: p.id, sources: range(p.sources.length), transforms: range(p.transforms.length), sinks: range(p.sinks.length) }],
    tables: plan.tables,
  };
}

/** The physical DAG as SeaTunnel's REST API shows it (consecutive transforms fused into one chain vertex). */
export function jobDagOf(plan: JobPlan, jobId: string, envOptions: Record<string, string>): JobDag {
  const vertices: JobDag['vertexInfoMap'] = [];
  const edges: JobDag['pipelineEdges'] = {};
  let next = 1;
  const producer = new Map<string, { kind: 'source' | 'transform'; index: number }>();
  plan.sources.forEach((s, i) => {
    producer.set(s.dataset, { kind: 'source', index: i });
  });
  plan.transforms.forEach((t, i) => {
    producer.set(t.dataset, { kind: 'transform', index: i });
  });
  for (const p of plan.pipelines) {
    const list: { inputVertexId: string; targetVertexId: string }[] = [];
    const seen = new Set<string>();
    const edge = (a: number, b: number) => {
      const key = `${a}>${b}`;
      if (seen.has(key)) return;
      seen.add(key);
      list.push({ inputVertexId: String(a), targetVertexId: String(b) });
    };
    const sourceVertex = new Map<number, number>();
    for (const i of p.sources) {
      const s = plan.sources[i];
      sourceVertex.set(i, next);
      vertices.push({ vertexId: next++, type: 'source', vertexName: `pipeline-${p.id} [Source[${i}]-${s.cfg.pluginName}]`, tablePaths: s.tables.map((t) => t.table) });
    }
    let chainVertex = 0;
    if (p.transforms.length > 0) {
      chainVertex = next++;
      const name = p.transforms.map((i) => `Transform[${i}]-${plan.transforms[i].cfg.pluginName}`).join('->');
      const tablePaths = [...new Set(p.transforms.flatMap((i) => plan.transforms[i].tables.map((t) => t.table)))];
      vertices.push({ vertexId: chainVertex, type: 'transform', vertexName: `pipeline-${p.id} [TransformChain[${name}]]`, tablePaths });
      for (const i of p.transforms)
        for (const d of plan.transforms[i].inputs) {
          const src = producer.get(d)!;
          if (src.kind === 'source') edge(sourceVertex.get(src.index)!, chainVertex);
        }
    }
    for (const i of p.sinks) {
      const k = plan.sinks[i];
      const id = next++;
      const tablePaths = [...new Set(k.tables.map((t) => t.table))];
      vertices.push({ vertexId: id, type: 'sink', vertexName: `pipeline-${p.id} [Sink[${i}]-${k.cfg.pluginName}-MultiTableSink]`, tablePaths });
      for (const d of k.inputs) {
        const src = producer.get(d)!;
        edge(src.kind === 'source' ? sourceVertex.get(src.index)! : chainVertex, id);
      }
    }
    edges[String(p.id)] = list;
  }
  // Sort each pipeline's edges by source vertex so the order does not depend on sink order.
  for (const list of Object.values(edges)) list.sort((a, b) => Number(a.inputVertexId) - Number(b.inputVertexId));
  return { jobId, envOptions, pipelineEdges: edges, vertexInfoMap: vertices };
}
