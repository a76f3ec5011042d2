// smtp handler: mails the event (subject = message, HTML body = details) through the configured SMTP server.

import type { Transporter } from 'nodemailer';
import { invalidHandlerOptions } from '../errors.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optStrings } from './handler.ts';

export function smtpHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const c = env.config.smtp;
  const to = [...optStrings(options, 'to')];
  if (to.length === 0) to.push(...c.to);
  if (to.length === 0) throw invalidHandlerOptions('smtp: no recipients (options.to or [smtp] to)');
  if (c.from === '') throw invalidHandlerOptions('smtp: no sender configured ([smtp] from)');
  let transport: Promise<Transporter> | undefined;
  const open = (): Promise<Transporter> => {
    transport ??= import('nodemailer').then((m) =>
      m.default.createTransport({
        host: c.host,
        port: c.port,
        secure: false,
        ignoreTLS: c.noVerify,
        tls: { rejectUnauthorized: !c.noVerify },
        auth: c.username === '' ? undefined : { user: c.username, pass: c.password },
      }),
    );
    return transport;
  };
  return {
    kind: 'smtp',
    async handle(event) {
      const t = await open();
      await t.sendMail({ from: c.from, to, subject: event.state.message, html: event.state.details });
    },
    async close() {
      if (transport !== undefined) (await transport).close();
      transport = undefined;
    },
  };
}
