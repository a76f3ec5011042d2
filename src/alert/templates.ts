// The alert node's id, message and details templates with Kapacitor's template data (rendered by src/tick/template.ts).

import type { Fields, Tags } from '../core/point.ts';
import { formatRFC3339Nano, type Instant } from '../core/time.ts';
import { type CompiledTemplate, compileTemplate } from '../tick/template.ts';
import { goJson } from './event.ts';

export interface ServerInfo {
  readonly hostname: string;
  readonly clusterId: string;
  readonly serverId: string;
}

/** What the id template sees. */
export interface IdContext {
  readonly name: string;
  readonly taskName: string;
  /** Group id, or `nil` when the data is not grouped. */
  readonly group: string;
  readonly tags: Tags;
}

export interface MessageContext extends IdContext {
  readonly id: string;
  readonly fields: Fields;
  readonly level: string;
  readonly time: Instant;
  readonly durationNs: number;
}

/** A Go time value in template data. */
export function templateTime(t: Instant): { type: 'timeval'; ms: number; ns: number } {
  return { type: 'timeval', ms: t.ms, ns: t.ns };
}

/** A Go duration value in template data. */
export function templateDuration(ns: number): { type: 'duration'; ns: number } {
  return { type: 'duration', ns };
}

/**
 * Template data as encoding/json would marshal the Go value: times as RFC 3339 strings,
 * durations as integer nanoseconds, maps with sorted keys.
 */
export function goJsonValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(goJsonValue);
  const o = v as Record<string, unknown>;
  if (o.type === 'timeval' && typeof o.ms === 'number') return formatRFC3339Nano({ ms: o.ms, ns: o.ns as number });
  if (o.type === 'duration' && typeof o.ns === 'number') return BigInt(o.ns);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = goJsonValue(o[k]);
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '"': '&#34;', '&': '&amp;', "'": '&#39;', '+': '&#43;', '<': '&lt;', '>': '&gt;', '\u0000': '\uFFFD' };

/** html/template's escaping of action output in HTML text. */
function htmlEscape(s: string): string {
  return s.replace(/["&'+<>\u0000]/g, (c) => HTML_ESCAPES[c]);
}

const sortedMap = (m: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
};

export class AlertTemplates {
  readonly id: CompiledTemplate;
  readonly message: CompiledTemplate;
  readonly details: CompiledTemplate;
  readonly #server: Record<string, string>;
  readonly #constantId: string | undefined;
  readonly #constantDetails: string | undefined;
  /** Kapacitor's default `{{ json . }}`: marshalled directly, the same text without a template walk. */
  readonly #defaultDetails: boolean;

  constructor(id: string, message: string, details: string, server: ServerInfo) {
    this.id = compileTemplate('id', id);
    this.message = compileTemplate('message', message);
    // html/template: action output is escaped for HTML text; `json` keeps encoding/json's trailing newline.
    this.details = compileTemplate('details', details, {
      html: true,
      funcs: {
        json: (v: unknown) => `${goJson(goJsonValue(v))}\n`,
        jsonCompact: (v: unknown) => goJson(goJsonValue(v)),
      },
    });
    this.#server = { Hostname: server.hostname, ClusterID: server.clusterId, ServerID: server.serverId };
    this.#constantId = id.includes('{{') ? undefined : id;
    this.#constantDetails = details.includes('{{') ? undefined : details;
    this.#defaultDetails = /^\{\{ *json +\. *\}\}$/.test(details);
  }

  #idInfo(c: IdContext): Record<string, unknown> {
    return { Name: c.name, TaskName: c.taskName, Group: c.group, Tags: sortedMap(c.tags), ServerInfo: this.#server };
  }

  renderId(c: IdContext): string {
    return this.#constantId ?? this.id.render(this.#idInfo(c));
  }

  /** Message, then details (which also sees `.Message`). */
  renderMessageAndDetails(c: MessageContext): { message: string; details: string } {
    const info: Record<string, unknown> = {
      ...this.#idInfo(c),
      ID: c.id,
      Fields: sortedMap(c.fields),
      Level: c.level,
      Time: templateTime(c.time),
      Duration: templateDuration(c.durationNs),
    };
    const message = this.message.render(info);
    info.Message = message;
    const details =
      this.#constantDetails ?? (this.#defaultDetails ? htmlEscape(`${goJson(goJsonValue(info))}\n`) : this.details.render(info));
    return { message, details };
  }
}
