// publish action: re-collects each event into other topics.

import { invalidHandlerOptions } from '../errors.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optStrings } from './handler.ts';

export function publishHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const topics = optStrings(options, 'topics');
  if (topics.length === 0) throw invalidHandlerOptions('publish: no topics given');
  return {
    kind: 'publish',
    async handle(event) {
      for (const topic of topics) env.collect({ ...event, topic });
    },
    close: async () => {},
  };
}
