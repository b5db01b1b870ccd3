import { appendFileSync, mkdirSync } from 'node:fs';
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
    this.log.info(`${this.kind} appended to the local outbox`, { file, messageId: id });
  }

  /** The most recent message to `to` (e-mail addresses compare case-insensitively), if any. */
  lastTo(to: string): Sent<M> | undefined {
    return [...this.sent].reverse().find((m) => m.to.toLowerCase() === to.toLowerCase());
  }
}
