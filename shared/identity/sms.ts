import type { TokenCredential } from '@azure/identity';
import { ACS_TIMEOUT_MS, postToAcs } from './acs.js';
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
    private readonly timeoutMs = ACS_TIMEOUT_MS,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const res = await postToAcs(
      this.endpoint,
      '/sms?api-version=2021-03-07',
      this.credential,
      { from: this.from, smsRecipients: [{ to: message.to }], message: message.text, smsSendOptions: { enableDeliveryReport: false } },
      { timeoutMs: this.timeoutMs },
    );
    if (res.status !== 202) throw new Error(`Azure Communication Services refused the SMS (HTTP ${res.status})`);
    const body = (await res.json().catch(() => undefined)) as { value?: Array<{ successful?: boolean; httpStatusCode?: number }> } | undefined;
    const result = body?.value?.[0];
    if (result && result.successful === false) throw new Error(`Azure Communication Services could not send the SMS (status ${result.httpStatusCode ?? 'unknown'})`);
  }
}
