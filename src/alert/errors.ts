// The alerting part of the error catalogue, with Kapacitor's texts.

import { defineError } from '../core/errors.ts';

export const unknownLevel = defineError('E_ALERT_LEVEL', 'invalid', (text: string) => `unknown alert level '${text}'`);
export const invalidPattern = defineError('E_ALERT_PATTERN', 'invalid', (why: string) => `invalid pattern: ${why}`);
export const unknownTopic = defineError('E_ALERT_TOPIC_NOT_FOUND', 'not_found', (id: string) => `unknown topic: ${JSON.stringify(id)}`);
export const unknownEvent = defineError(
  'E_ALERT_EVENT_NOT_FOUND',
  'not_found',
  (event: string, topic: string) => `unknown event ${JSON.stringify(event)} in topic ${JSON.stringify(topic)}`,
);
export const unknownHandler = defineError(
  'E_ALERT_HANDLER_NOT_FOUND',
  'not_found',
  (id: string) => `unknown handler: ${JSON.stringify(id)}`,
);
export const invalidHandlerJson = defineError('E_ALERT_HANDLER_JSON', 'invalid', (why: string) => `invalid handler json: ${why}`);
export const invalidHandlerSpec = defineError('E_ALERT_HANDLER_SPEC', 'invalid', (why: string) => `invalid handler spec: ${why}`);
export const handlerExists = defineError(
  'E_ALERT_HANDLER_EXISTS',
  'internal',
  (id: string, topic: string) =>
    `failed to create handler: handler ${JSON.stringify(id)} for topic ${JSON.stringify(topic)} already exists`,
);
export const invalidPatchJson = defineError('E_ALERT_PATCH_JSON', 'invalid', (why: string) => `invalid patch json: ${why}`);
export const patchFailed = defineError('E_ALERT_PATCH_APPLY', 'invalid', (why: string) => `failed to apply patch: ${why}`);
export const unmarshalFailed = defineError('E_ALERT_UNMARSHAL', 'invalid', (why: string) => `failed to unmarshal JSON: ${why}`);
/** A handler's options are wrong (bad file mode, relative log path, exec not allowed ...). */
export const invalidHandlerOptions = defineError('E_ALERT_HANDLER_OPTIONS', 'invalid', (why: string) => why);
export const unsupportedHandler = defineError(
  'E_ALERT_HANDLER_KIND',
  'invalid',
  (kind: string) => `unsupported action kind ${JSON.stringify(kind)}`,
);
export const invalidMatch = defineError('E_ALERT_MATCH', 'invalid', (why: string) => `invalid match expression: ${why}`);
export const handlerCreateFailed = defineError('E_ALERT_HANDLER_CREATE', 'internal', (why: string) => `failed to create handler: ${why}`);
export const handlerUpdateFailed = defineError('E_ALERT_HANDLER_UPDATE', 'internal', (why: string) => `failed to update handler: ${why}`);
export const topicEventsFailed = defineError(
  'E_ALERT_TOPIC_EVENTS',
  'internal',
  (topic: string) => `failed to get topic events: unknown topic ${JSON.stringify(topic)}`,
);
