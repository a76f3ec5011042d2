// The plugins Inductor ships: every connector and transform the job engine can find by name.

import { assertSinkFactory } from './connectors/assert/assert-sink.ts';
import { consoleSinkFactory } from './connectors/console/console-sink.ts';
import type { PluginFactory } from './connectors/contract.ts';
import { fakeSourceFactory } from './connectors/fake/fake-source.ts';
import { localFileSinkFactory } from './connectors/localfile/local-file-sink.ts';
import { localFileSourceFactory } from './connectors/localfile/local-file-source.ts';
import { makeRegistry, type Registry } from './plan.ts';

export const BUILTIN_PLUGINS: readonly PluginFactory[] = [
  fakeSourceFactory,
  consoleSinkFactory,
  assertSinkFactory,
  localFileSourceFactory,
  localFileSinkFactory,
];

export function builtinRegistry(): Registry {
  return makeRegistry(BUILTIN_PLUGINS);
}
