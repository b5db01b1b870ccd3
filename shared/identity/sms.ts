import type { TokenCredential } from '@azure/identity';
import type { Log } from '../platform/log.js';
import { LocalOutbox } from './local-outbox.js';

export interface SmsMessage {
  /** E.164 number, e.g. +358401234567. */
  to: string;
  text: string;
}

/** Sends text messages (one-time codes). The port lets the flows run unchanged locally and in Azure. */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** The local outbox of text messages (`<state dir>/sms/outbox.txt`). */
export class LocalOutboxSmsSender extends LocalOutbox<SmsMessage> implements SmsSender {
  constructor(dir: string, log: Log) {
    super(dir, log, 'SMS');
  }
}

/**
 * Azure Communication Services SMS through its REST API (`POST {endpoint}/sms`), signed in with the
 * app's managed identity. test/unit/platform/azure/acs-sms.test.ts drives it against a local HTTP
 * stand-in for the ACS endpoint.
 */
export class AcsSmsSender implements SmsSender {
  constructor(
    private readonly endpoint: string,
    private readonly from: string,
    private readonly credential: () => TokenCredential,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const token = await this.credential().getToken('https://communication.azure.com/.default');
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
