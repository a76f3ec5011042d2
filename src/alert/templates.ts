// The alert node's id, message and details templates with Kapacitor's template data.

import type { Fields, Tags } from '../core/point.ts';
import type { Instant } from '../core/time.ts';
import { GoDuration, GoMap, GoTemplate, GoTime } from './go-template.ts';
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

/** `json .` in details: encoding/json with its trailing newline (the html/template escaper runs after). */
function jsonFunc(v: unknown): string {
  return `${goJson(v)}\n`;
}

export class AlertTemplates {
  readonly id: GoTemplate;
  readonly message: GoTemplate;
  readonly details: GoTemplate;
  readonly #server: Record<string, string>;

  constructor(id: string, message: string, details: string, server: ServerInfo) {
    this.id = new GoTemplate(id);
    this.message = new GoTemplate(message);
    // html/template: output of actions is escaped for HTML text, `json`/`jsonCompact` included.
    this.details = new GoTemplate(details, { html: true, funcs: { json: jsonFunc, jsonCompact: (v) => goJson(v) } });
    this.#server = { Hostname: server.hostname, ClusterID: server.clusterId, ServerID: server.serverId };
  }

  #idInfo(c: IdContext): Record<string, unknown> {
    return { Name: c.name, TaskName: c.taskName, Group: c.group, Tags: new GoMap(c.tags), ServerInfo: this.#server };
  }

  renderId(c: IdContext): string {
    return this.id.constant ?? this.id.render(this.#idInfo(c));
  }

  /** Message, then details (which also sees `.Message`). */
  renderMessageAndDetails(c: MessageContext): { message: string; details: string } {
    const info: Record<string, unknown> = {
      ...this.#idInfo(c),
      ID: c.id,
      Fields: new GoMap(c.fields),
      Level: c.level,
      Time: GoTime.of(c.time),
      Duration: new GoDuration(c.durationNs),
    };
    const message = this.message.render(info);
    info.Message = message;
    const details = this.details.constant ?? this.details.render(info);
    return { message, details };
  }
}
