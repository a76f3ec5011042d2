// pagerduty handler: PagerDuty Events API v1 bodies (trigger on WARNING/CRITICAL, resolve on OK; INFO is ignored).

import { invalidHandlerOptions } from '../errors.ts';
import { type AlertEvent, goJson } from '../event.ts';
import { INFO, OK } from '../level.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optString } from './handler.ts';

/** The body Kapacitor posts (a Go map, so keys are sorted); undefined for INFO, which PagerDuty v1 ignores. */
export function pagerDutyBody(e: AlertEvent, serviceKey: string, clientUrl: string): string | undefined {
  if (e.state.level === INFO) return undefined;
  return `${goJson({
    client: 'kapacitor',
    client_url: clientUrl,
    description: e.state.message,
    details: e.state.details,
    event_type: e.state.level === OK ? 'resolve' : 'trigger',
    incident_key: e.state.id,
    service_key: serviceKey,
  })}\n`;
}

export function pagerDutyHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const c = env.config.pagerduty;
  const serviceKey = optString(options, 'service-key') || c.serviceKey;
  const url = optString(options, 'url', c.url);
  if (url === '') throw invalidHandlerOptions('pagerduty: no URL configured ([pagerduty] url)');
  return {
    kind: 'pagerduty',
    async handle(event) {
      const body = pagerDutyBody(event, serviceKey, env.config.externalUrl);
      if (body === undefined) return;
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`pagerduty: ${res.status}: ${text}`);
    },
    close: async () => {},
  };
}
