// pagerduty2 handler: PagerDuty Events API v2 bodies (trigger with severity, resolve on OK, templated links).

import { formatRFC3339Nano } from '../../core/time.ts';
import { type CompiledTemplate, compileTemplate } from '../../tick/template.ts';
import { invalidHandlerOptions } from '../errors.ts';
import { type AlertEvent, goJson } from '../event.ts';
import { CRITICAL, INFO, WARNING } from '../level.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optString } from './handler.ts';
import { eventTemplateData } from './mqtt.ts';

export interface LinkTemplate {
  readonly href: CompiledTemplate;
  readonly text: CompiledTemplate;
}

/** Go's `2006-01-02T15:04:05.000000000Z07:00`: always nine fractional digits. */
function timestamp(t: { ms: number; ns: number }): string {
  const s = formatRFC3339Nano({ ms: t.ms, ns: 0 });
  const base = s.slice(0, 19);
  const frac = (t.ms % 1000) * 1e6 + t.ns;
  return `${base}.${String(frac).padStart(9, '0')}Z`;
}

/** The body Kapacitor posts (struct order, so keys are not sorted). */
export function pagerDuty2Body(e: AlertEvent, routingKey: string, clientUrl: string, links: readonly LinkTemplate[] = []): string {
  const l = e.state.level;
  const severity = l === CRITICAL ? 'critical' : l === WARNING ? 'warning' : 'info';
  const data = links.length === 0 ? undefined : eventTemplateData(e);
  return `${goJson({
    routing_key: routingKey,
    event_action: l === CRITICAL || l === WARNING || l === INFO ? 'trigger' : 'resolve',
    dedup_key: e.state.id,
    payload: {
      summary: e.state.message,
      source: e.data.tags.host ?? 'unknown',
      severity,
      timestamp: timestamp(e.state.time),
      class: e.data.taskName,
      component: '',
      group: '',
      custom_details: { result: { series: e.data.series.length === 0 ? null : e.data.series } },
    },
    images: null,
    links: data === undefined ? null : links.map((k) => ({ href: k.href.render(data), text: k.text.render(data) })),
    client: 'kapacitor',
    client_url: clientUrl,
  })}\n`;
}

function linkTemplates(options: HandlerOptions): LinkTemplate[] {
  const raw = options.links;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidHandlerOptions('option links must be a list of {href, text}');
  return raw.map((x) => {
    const o = (x ?? {}) as Record<string, unknown>;
    const href = typeof o.href === 'string' ? o.href : '';
    const text = typeof o.text === 'string' && o.text !== '' ? o.text : href;
    return { href: compileTemplate('href', href), text: compileTemplate('text', text) };
  });
}

export function pagerDuty2Handler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const c = env.config.pagerduty2;
  const routingKey = optString(options, 'routing-key') || c.routingKey;
  const url = optString(options, 'url', c.url);
  if (url === '') throw invalidHandlerOptions('pagerduty2: no URL configured ([pagerduty2] url)');
  const links = linkTemplates(options);
  return {
    kind: 'pagerduty2',
    async handle(event) {
      const body = pagerDuty2Body(event, routingKey, env.config.externalUrl, links);
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      const text = await res.text();
      if (res.status < 200 || res.status >= 300) throw new Error(`pagerduty2: ${res.status}: ${text}`);
    },
    close: async () => {},
  };
}
