import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { ACS_TIMEOUT_MS, postToAcs } from './acs.js';
import type { Log } from '../platform/log.js';
import { LocalOutbox } from './local-outbox.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail. The port lets identity flows run unchanged locally and in Azure. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/** The local outbox of e-mail (`<state dir>/mail/outbox.txt`). */
export class LocalOutboxEmailSender extends LocalOutbox<EmailMessage> implements EmailSender {
  constructor(dir: string, log: Log) {
    super(dir, log, 'e-mail', (m) => [`Subject: ${m.subject}`]);
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
    private readonly credential: TokenCredential,
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
