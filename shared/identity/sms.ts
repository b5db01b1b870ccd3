import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { Log } from '../platform/log.js';

export interface SmsMessage {
  /** E.164 number, e.g. +358401234567. */
  to: string;
  text: string;
}

/** Sends text messages (one-time codes). The port lets the flows run unchanged locally and in Azure. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/**
 * Local delivery: each message is written as a readable file under `<state dir>/sms/` and kept in
 * memory (the last 200) so tests and developers can read the code. The log names only the file.
 */
export class LocalOutboxSmsSender implements SmsSender {
  readonly sent: Array<SmsMessage & { id: string; at: string }> = [];

  constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const id = randomUUID();
    const at = new Date().toISOString();
    this.sent.push({ ...message, id, at });
    if (this.sent.length > 200) this.sent.shift();
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${at.replace(/[:.]/g, '-')}-${id}.txt`);
    writeFileSync(file, `To: ${message.to}\nDate: ${at}\n\n${message.text}\n`, { mode: 0o600 });
    this.log.info('SMS written to the local outbox', { file });
  }

  /** The most recent message to `to`, if any. */
  lastTo(to: string): (SmsMessage & { id: string; at: string }) | undefined {
    return [...this.sent].reverse().find((m) => m.to === to);
  }
}

/**
 * Azure Communication Services SMS through its REST API (`POST {endpoint}/sms`), signed in with the
 * app's managed identity. Not exercised by the test suite: there is no ACS resource here.
 */
export class AcsSmsSender implements SmsSender {
  constructor(
    private readonly endpoint: string,
    private readonly from: string,
    private readonly credential: () => TokenCredential | Promise<TokenCredential>,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const token = await (await this.credential()).getToken('https://communication.azure.com/.default');
    if (!token) throw new Error('no token for Azure Communication Services');
    const url = new URL('/sms?api-version=2021-03-07', this.endpoint);
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from: this.from, smsRecipients: [{ to: message.to }], message: message.text, smsSendOptions: { enableDeliveryReport: false } }),
    });
    if (res.status !== 202) throw new Error(`Azure Communication Services refused the SMS (HTTP ${res.status})`);
    const body = (await res.json().catch(() => undefined)) as { value?: Array<{ successful?: boolean; httpStatusCode?: number }> } | undefined;
    const result = body?.value?.[0];
    if (result && result.successful === false) throw new Error(`Azure Communication Services could not send the SMS (status ${result.httpStatusCode ?? 'unknown'})`);
  }
}
