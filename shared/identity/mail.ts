import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { Log } from '../platform/log.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail. The port lets identity flows run unchanged locally and in Azure. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/**
 * Local delivery: each message is appended, readable, to `<state dir>/mail/outbox.txt` (`tail -f` it)
 * and kept in memory (the last 200) so tests can read what was "sent". The log names only the file.
 */
export class LocalOutboxEmailSender implements EmailSender {
  readonly sent: Array<EmailMessage & { id: string; at: string }> = [];

  constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    const id = randomUUID();
    const at = new Date().toISOString();
    this.sent.push({ ...message, id, at });
    if (this.sent.length > 200) this.sent.shift();
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, 'outbox.txt');
    appendFileSync(file, `--- ${id}\nTo: ${message.to}\nSubject: ${message.subject}\nDate: ${at}\n\n${message.text}\n\n`, { mode: 0o600 });
    this.log.info('e-mail appended to the local outbox', { file, messageId: id });
  }

  /** The most recent message to `to`, if any (tests, local development). */
  lastTo(to: string): (EmailMessage & { id: string; at: string }) | undefined {
    return [...this.sent].reverse().find((m) => m.to.toLowerCase() === to.toLowerCase());
  }
}

/**
 * Azure Communication Services e-mail through its REST API (`POST {endpoint}/emails:send`), signed in
 * with the app's managed identity. Not exercised by the test suite (no ACS resource here).
 */
export class AcsEmailSender implements EmailSender {
  constructor(
    private readonly endpoint: string,
    private readonly sender: string,
    private readonly credential: TokenCredential,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    const token = await this.credential.getToken('https://communication.azure.com/.default');
    if (!token) throw new Error('no token for Azure Communication Services');
    const url = new URL('/emails:send?api-version=2023-03-31', this.endpoint);
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json', 'operation-id': randomUUID() },
      body: JSON.stringify({
        senderAddress: this.sender,
        recipients: { to: [{ address: message.to }] },
        content: { subject: message.subject, plainText: message.text },
      }),
    });
    if (res.status !== 202) throw new Error(`Azure Communication Services refused the e-mail (HTTP ${res.status})`);
  }
}
