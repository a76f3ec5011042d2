// Which builder makes which handler kind, and how an inline node handler (`.post(url)`, `.email()` ...) maps to options.

import type { AlertHandlerDesc, Value } from '../../tick/pipeline.ts';
import { isDuration } from '../../tick/pipeline.ts';
import { unsupportedHandler } from '../errors.ts';
import { aggregateHandler } from './aggregate.ts';
import { execHandler } from './exec.ts';
import type { AlertHandler, HandlerBuilder, HandlerEnv, HandlerOptions } from './handler.ts';
import { logHandler } from './log.ts';
import { mqttHandler } from './mqtt.ts';
import { pagerDutyHandler } from './pagerduty.ts';
import { pagerDuty2Handler } from './pagerduty2.ts';
import { postHandler } from './post.ts';
import { publishHandler } from './publish.ts';
import { slackHandler } from './slack.ts';
import { smtpHandler } from './smtp.ts';
import { tcpHandler } from './tcp.ts';

export const HANDLER_KINDS: ReadonlyMap<string, HandlerBuilder> = new Map<string, HandlerBuilder>([
  ['log', logHandler],
  ['post', postHandler],
  ['tcp', tcpHandler],
  ['exec', execHandler],
  ['mqtt', mqttHandler],
  ['smtp', smtpHandler],
  ['slack', slackHandler],
  ['pagerduty', pagerDutyHandler],
  ['pagerduty2', pagerDuty2Handler],
  ['publish', publishHandler],
  ['aggregate', aggregateHandler],
]);

export function buildHandler(kind: string, options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const build = HANDLER_KINDS.get(kind);
  if (build === undefined) throw unsupportedHandler(kind);
  return build(options, env);
}

function plain(v: Value | undefined): unknown {
  if (v === undefined) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (isDuration(v)) return v.ns;
  if (Array.isArray(v)) return v.map((x) => plain(x as Value));
  return v;
}

/** The topic-API kind and options of an inline handler from a TICKscript alert node. */
export function inlineHandlerSpec(h: AlertHandlerDesc): { kind: string; options: HandlerOptions } {
  const p = h.props;
  switch (h.kind) {
    case 'post': {
      const headers: Record<string, string> = {};
      for (const call of h.calls.header ?? []) headers[String(call[0])] = String(call[1]);
      return {
        kind: 'post',
        options: {
          url: plain(p.uRL),
          endpoint: plain(p.endpoint),
          headers,
          'capture-response': p.captureResponse === true,
          timeout: plain(p.timeout),
        },
      };
    }
    case 'tcp':
      return { kind: 'tcp', options: { address: plain(p.address) } };
    case 'log':
      return { kind: 'log', options: { path: plain(p.filePath), mode: plain(p.mode) } };
    case 'exec': {
      const [prog, ...args] = (plain(p.command) as string[] | undefined) ?? [];
      return { kind: 'exec', options: { prog, args } };
    }
    case 'email':
      return { kind: 'smtp', options: { to: plain(p.toList) } };
    case 'mqtt':
      return {
        kind: 'mqtt',
        options: { 'broker-name': plain(p.brokerName), topic: plain(p.topic), qos: plain(p.qos), retained: plain(p.retained) },
      };
    case 'slack':
      return {
        kind: 'slack',
        options: { workspace: plain(p.workspace), channel: plain(p.channel), username: plain(p.username), 'icon-emoji': plain(p.iconEmoji) },
      };
    case 'pagerDuty':
      return { kind: 'pagerduty', options: { 'service-key': plain(p.serviceKey) } };
    case 'pagerDuty2':
      return {
        kind: 'pagerduty2',
        options: {
          'routing-key': plain(p.routingKey),
          links: (h.calls.link ?? []).map(([href, text]) => ({ href: String(href), text: text === undefined ? '' : String(text) })),
        },
      };
    default:
      throw unsupportedHandler(h.kind);
  }
}
