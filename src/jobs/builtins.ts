// The plugins Inductor ships: every connector and transform the job engine can find by name.

import { assertSinkFactory } from './connectors/assert/assert-sink.ts';
import { consoleSinkFactory } from './connectors/console/console-sink.ts';
import type { PluginFactory } from './connectors/contract.ts';
import { fakeSourceFactory } from './connectors/fake/fake-source.ts';
import { jdbcSinkFactory } from './connectors/jdbc/jdbc-sink.ts';
import { jdbcSourceFactory } from './connectors/jdbc/jdbc-source.ts';
import { mqttSinkFactory, mqttSourceFactory } from './connectors/mqtt/mqtt.ts';
import { natsSinkFactory, natsSourceFactory } from './connectors/nats/nats.ts';
import { httpSinkFactory } from './connectors/http/http-sink.ts';
import { httpSourceFactory } from './connectors/http/http-source.ts';
import { seriesStoreSinkFactory, seriesStoreSourceFactory } from './connectors/inductor/series-store-connector.ts';
import { redisSinkFactory, redisSourceFactory } from './connectors/redis/redis.ts';
import { localFileSinkFactory } from './connectors/localfile/local-file-sink.ts';
import { localFileSourceFactory } from './connectors/localfile/local-file-source.ts';
import { makeRegistry, type Registry } from './plan.ts';
import { copyFactory } from './transforms/copy.ts';
import { fieldMapperFactory } from './transforms/field-mapper.ts';
import { filterFactory } from './transforms/filter.ts';
import { filterRowKindFactory } from './transforms/filter-row-kind.ts';
import { jsonPathFactory } from './transforms/json-path.ts';
import { replaceFactory } from './transforms/replace.ts';
import { splitFactory } from './transforms/split.ts';
import { sqlTransformFactory } from './transforms/sql.ts';

export const BUILTIN_PLUGINS: readonly PluginFactory[] = [
  fakeSourceFactory,
  consoleSinkFactory,
  assertSinkFactory,
  localFileSourceFactory,
  localFileSinkFactory,
  jdbcSourceFactory,
  jdbcSinkFactory,
  redisSourceFactory,
  redisSinkFactory,
  seriesStoreSourceFactory,
  seriesStoreSinkFactory,
  httpSourceFactory,
  httpSinkFactory,
  mqttSourceFactory,
  mqttSinkFactory,
  natsSourceFactory,
  natsSinkFactory,
  sqlTransformFactory,
  fieldMapperFactory,
  filterFactory,
  filterRowKindFactory,
  replaceFactory,
  copyFactory,
  splitFactory,
  jsonPathFactory,
];

export function builtinRegistry(): Registry {
  return makeRegistry(BUILTIN_PLUGINS);
}
