// slack handler: a Slack incoming-webhook body (attachment coloured by level) POSTed to the configured URL.

import { invalidHandlerOptions } from '../errors.ts';
import { type AlertEvent, goJson } from '../event.ts';
import { CRITICAL, WARNING } from '../level.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optString } from './handler.ts';

/** The webhook body Kapacitor posts: keys in Go's map order (sorted). */
export function slackBody(e: AlertEvent, channel: string, username: string, iconEmoji: string): string {
  const color = e.state.level === CRITICAL ? 'danger' : e.state.level === WARNING ? 'warning' : 'good';
  return `${goJson({
    attachments: [{ fallback: e.state.message, color, text: e.state.message, mrkdwn_in: ['text'] }],
    channel,
    icon_emoji: iconEmoji,
    text: '',
    username,
  })}\n`;
}

export function slackHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const c = env.config.slack;
  const url = optString(options, 'url', c.url);
  if (url === '') throw invalidHandlerOptions('slack: no webhook URL configured ([slack] url)');
  const channel = optString(options, 'channel') || c.channel;
  const username = optString(options, 'username') || c.username;
  const iconEmoji = optString(options, 'icon-emoji') || c.iconEmoji;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (c.token !== '') headers.Authorization = `Bearer ${c.token}`;
  return {
    kind: 'slack',
    async handle(event) {
      const res = await fetch(url, { method: 'POST', headers, body: slackBody(event, channel, username, iconEmoji) });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`slack: ${res.status}: ${text}`);
    },
    close: async () => {},
  };
}
