import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Log } from '../platform/log.js';

export interface OutgoingMessage {
  to: string;
  text: string;
}

export type Sent<M extends OutgoingMessage> = M & { id: string; at: string };

/**
 * Local delivery of e-mail and SMS when no Azure Communication Services resource is configured:
 * each message is appended, readable, to `<dir>/outbox.txt` (`tail -f` it) and kept in memory (the
 * last 200) so tests and developers can read what was "sent". The log names only the file.
 */
export class LocalOutbox<M extends OutgoingMessage> {
  readonly sent: Array<Sent<M>> = [];

  constructor(
    private readonly dir: string,
    private readonly log: Log,
    /** What the log calls a message ("e-mail", "SMS"). */
    private readonly kind: string,
    /** Header lines written after `To:` (a subject, say). */
    private readonly headers: (message: M) => string[] = () => [],
    /** Extra fields of the log line (the e-mail outbox adds the link while developing locally). */
    private readonly logFields: (message: M) => Record<string, string> = () => ({}),
  ) {}

  async send(message: M): Promise<void> {
    const id = randomUUID();
    const at = new Date().toISOString();
    this.sent.push({ ...message, id, at });
    if (this.sent.length > 200) this.sent.shift();
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, 'outbox.txt');
    const head = [`To: ${message.to}`, ...this.headers(message), `Date: ${at}`].join('\n');
    appendFileSync(file, `--- ${id}\n${head}\n\n${message.text}\n\n`, { mode: 0o600 });
    this.log.info(`${this.kind} appended to the local outbox`, { file, messageId: id, ...this.logFields(message) });
  }

  /**
   * Removes every message sent to, or mentioning, any of `terms` (e-mail addresses, phone numbers,
   * names; case-insensitive, terms under 3 characters ignored) from memory and from the outbox file.
   * A redaction calls it (the SentMessages port of shared/privacy) so the dev outbox keeps nothing of
   * a redacted person. Returns how many messages the file lost (memory, if there is no file).
   */
  async forget(terms: string[]): Promise<number> {
    const needles = [...new Set(terms.map((t) => t.trim().toLowerCase()).filter((t) => t.length >= 3))];
    if (needles.length === 0) return 0;
    const mentions = (text: string): boolean => {
      const lower = text.toLowerCase();
      return needles.some((n) => lower.includes(n));
    };
    let removed = 0;
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i] as Sent<M>;
      if (mentions([m.to, ...this.headers(m), m.text].join('\n'))) {
        this.sent.splice(i, 1);
        removed += 1;
      }
    }
    const file = join(this.dir, 'outbox.txt');
    if (!existsSync(file)) return removed;
    // Each message starts with its "--- <uuid>" line (see send()).
    const blocks = readFileSync(file, 'utf8').split(/^(?=--- [0-9a-f-]{36}$)/m);
    const kept = blocks.filter((b) => !mentions(b));
    writeFileSync(file, kept.join(''), { mode: 0o600 });
    return blocks.length - kept.length;
  }

  /** The most recent message to `to` (e-mail addresses compare case-insensitively), if any. */
  lastTo(to: string): Sent<M> | undefined {
    return [...this.sent].reverse().find((m) => m.to.toLowerCase() === to.toLowerCase());
  }
}
