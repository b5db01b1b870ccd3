import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { ACS_TIMEOUT_MS, postToAcs } from './acs.js';
import type { Log } from '../platform/log.js';
import { LocalOutbox } from './local-outbox.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** The page of the web client the message asks the reader to open (also in `text`). */
  link?: string;
}

/**
 * A link to a page of the web client (WEB_APP_URL, which may carry a path prefix) with a token in
 * the fragment: browsers send neither the fragment to servers nor in `Referer`.
 *
 * @example
 * webAppLink('https://app.example/pmi', 'reset-password', 't0k') // 'https://app.example/pmi/reset-password#token=t0k'
 */
export function webAppLink(base: string, page: string, token: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${page}`;
  url.search = '';
  url.hash = `token=${encodeURIComponent(token)}`;
  return url.toString();
}

/** Sends e-mail. The port lets identity flows run unchanged locally and in Azure. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/**
 * The local outbox of e-mail (`<state dir>/mail/outbox.txt`, a `Link:` header naming the page the
 * message points to). With `logLinks` the log line of each message carries its link too, so a
 * developer can click through from the terminal; the caller turns it on only while the web client
 * is on this machine, since the link holds a single-use token.
 */
export class LocalOutboxEmailSender extends LocalOutbox<EmailMessage> implements EmailSender {
  constructor(dir: string, log: Log, logLinks = false) {
    super(
      dir,
      log,
      'e-mail',
      (m) => [`Subject: ${m.subject}`, ...(m.link ? [`Link: ${m.link}`] : [])],
      (m): Record<string, string> => (logLinks && m.link ? { to: m.to, link: m.link } : {}),
    );
  }
}

/**
 * Azure Communication Services e-mail through its REST API (`POST {endpoint}/emails:send`), signed in
 * with the app's managed identity. test/unit/platform/azure/acs-email.test.ts drives it against a
 * local HTTP stand-in for the ACS endpoint.
 */
export class AcsEmailSender implements EmailSender {
  constructor(
    private readonly endpoint: string,
    private readonly sender: string,
    private readonly credential: () => TokenCredential,
    private readonly timeoutMs = ACS_TIMEOUT_MS,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    const res = await postToAcs(
      this.endpoint,
      '/emails:send?api-version=2023-03-31',
      this.credential,
      { senderAddress: this.sender, recipients: { to: [{ address: message.to }] }, content: { subject: message.subject, plainText: message.text } },
      { headers: { 'operation-id': randomUUID() }, timeoutMs: this.timeoutMs },
    );
    if (res.status !== 202) throw new Error(`Azure Communication Services refused the e-mail (HTTP ${res.status})`);
  }
}
