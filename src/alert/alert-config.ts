// Alerting settings read from the raw config sections (`[alert]`, `[slack]`, `[pagerduty]`, `[smtp]`, `[[mqtt]]`, `[[httppost]]`).

import { type HttpPostEndpointConfig, readHttpPostSection } from '../config/httppost-section.ts';
import { parseDuration } from '../core/time.ts';

export interface MqttBroker {
  readonly name: string;
  /** `tcp://127.0.0.1:1883` (Kapacitor's `url`). */
  readonly url: string;
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  readonly default: boolean;
}

export interface AlertConfig {
  /** Keep non-OK event states in the metadata store (Kapacitor's `[alert] persist-topics`). */
  readonly persistTopics: boolean;
  /** A group whose alert is non-OK and that receives no data for this long (wall time) is cleared with an OK event; 0 = never. */
  readonly groupTtlMs: number;
  /** Write every alert event as an OpenTSDB-style annotation on its series. */
  readonly annotations: boolean;
  /** Programs the exec handler may run; empty = exec is off. `*` allows any. */
  readonly execAllowed: readonly string[];
  readonly slack: { url: string; token: string; channel: string; username: string; iconEmoji: string };
  readonly pagerduty: { url: string; serviceKey: string };
  readonly pagerduty2: { url: string; routingKey: string };
  readonly smtp: {
    host: string;
    port: number;
    username: string;
    password: string;
    from: string;
    to: readonly string[];
    noVerify: boolean;
  };
  readonly mqtt: readonly MqttBroker[];
  /** Read by the one `[[httppost]]` reader that httpPost nodes use too. */
  readonly httppost: readonly HttpPostEndpointConfig[];
  /** Public URL of this server for `client_url` in PagerDuty bodies. */
  readonly externalUrl: string;
}

export const PAGERDUTY_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';
export const PAGERDUTY2_URL = 'https://events.pagerduty.com/v2/enqueue';

type Raw = Record<string, unknown>;

function section(sections: Raw, name: string): Raw {
  const v = sections[name];
  if (Array.isArray(v)) return (v[0] as Raw | undefined) ?? {};
  return v !== null && typeof v === 'object' ? (v as Raw) : {};
}

function list(sections: Raw, name: string): Raw[] {
  const v = sections[name];
  if (Array.isArray(v)) return v.filter((x): x is Raw => x !== null && typeof x === 'object');
  return v !== null && typeof v === 'object' ? [v as Raw] : [];
}

const str = (r: Raw, k: string, d = ''): string => (typeof r[k] === 'string' ? (r[k] as string) : d);
const bool = (r: Raw, k: string, d: boolean): boolean => (typeof r[k] === 'boolean' ? (r[k] as boolean) : d);
const num = (r: Raw, k: string, d: number): number =>
  typeof r[k] === 'number' ? (r[k] as number) : typeof r[k] === 'bigint' ? Number(r[k]) : d;
const strs = (r: Raw, k: string): string[] => (Array.isArray(r[k]) ? (r[k] as unknown[]).map(String) : []);

function durationMs(r: Raw, k: string): number {
  const v = r[k];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') {
    const ns = parseDuration(v);
    if (ns === undefined) throw new Error(`[alert] ${k}: invalid duration ${JSON.stringify(v)}`);
    return ns / 1e6;
  }
  return 0;
}

/** Reads the alerting sections; absent keys take Kapacitor's defaults. */
export function alertConfig(sections: Raw = {}): AlertConfig {
  const a = section(sections, 'alert');
  const slack = section(sections, 'slack');
  const pd = section(sections, 'pagerduty');
  const pd2 = section(sections, 'pagerduty2');
  const smtp = section(sections, 'smtp');
  return {
    persistTopics: bool(a, 'persist-topics', true),
    groupTtlMs: durationMs(a, 'group-ttl'),
    annotations: bool(a, 'annotations', false),
    execAllowed: strs(a, 'exec-allowed'),
    slack: {
      url: str(slack, 'url'),
      token: str(slack, 'token'),
      channel: str(slack, 'channel'),
      username: str(slack, 'username', 'kapacitor'),
      iconEmoji: str(slack, 'icon-emoji'),
    },
    pagerduty: { url: str(pd, 'url', PAGERDUTY_URL), serviceKey: str(pd, 'service-key') },
    pagerduty2: { url: str(pd2, 'url', PAGERDUTY2_URL), routingKey: str(pd2, 'routing-key') },
    smtp: {
      host: str(smtp, 'host', 'localhost'),
      port: num(smtp, 'port', 25),
      username: str(smtp, 'username'),
      password: str(smtp, 'password'),
      from: str(smtp, 'from'),
      to: strs(smtp, 'to'),
      noVerify: bool(smtp, 'no-verify', false),
    },
    mqtt: list(sections, 'mqtt').map((m) => ({
      name: str(m, 'name'),
      url: str(m, 'url', 'tcp://127.0.0.1:1883'),
      clientId: str(m, 'client-id'),
      username: str(m, 'username'),
      password: str(m, 'password'),
      default: bool(m, 'default', false),
    })),
    httppost: readHttpPostSection(sections.httppost),
    externalUrl: str(a, 'external-url', 'http://localhost:9092'),
  };
}
