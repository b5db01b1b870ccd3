import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LocalOutboxEmailSender, webAppLink } from '../../../shared/identity/mail.js';
import type { Log } from '../../../shared/platform/log.js';

function recordingLog(): Log & { lines: Array<{ message: string; props: Record<string, unknown> }> } {
  const lines: Array<{ message: string; props: Record<string, unknown> }> = [];
  const record = (message: string, props?: Record<string, unknown>) => lines.push({ message, props: props ?? {} });
  return { lines, debug: record, info: record, warn: record, error: record };
}

describe('web client links', () => {
  it('keeps the base path, drops a query and carries the token in the fragment', () => {
    expect(webAppLink('http://localhost:5173', 'reset-password', 'a.b/c')).toBe('http://localhost:5173/reset-password#token=a.b%2Fc');
    expect(webAppLink('https://app.example/pmi/', 'accept-invitation', 't')).toBe('https://app.example/pmi/accept-invitation#token=t');
    expect(webAppLink('https://app.example/pmi?x=1', 'accept-invitation', 't')).toBe('https://app.example/pmi/accept-invitation#token=t');
  });
});

describe('local e-mail outbox', () => {
  const message = { to: 'lina@hotel.example', subject: 'You are invited', text: 'Open http://localhost:5173/accept-invitation#token=t', link: 'http://localhost:5173/accept-invitation#token=t' };

  it('writes the link as a header of the message in the outbox file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-'));
    await new LocalOutboxEmailSender(dir, recordingLog()).send(message);
    expect(readFileSync(join(dir, 'outbox.txt'), 'utf8')).toContain('To: lina@hotel.example\nSubject: You are invited\nLink: http://localhost:5173/accept-invitation#token=t\n');
  });

  it('shows the link on the log line only when asked to (a web client on this machine)', async () => {
    const local = recordingLog();
    await new LocalOutboxEmailSender(mkdtempSync(join(tmpdir(), 'mail-')), local, true).send(message);
    expect(local.lines).toEqual([{ message: 'e-mail appended to the local outbox', props: expect.objectContaining({ to: message.to, link: message.link }) }]);
    const deployed = recordingLog();
    await new LocalOutboxEmailSender(mkdtempSync(join(tmpdir(), 'mail-')), deployed).send(message);
    expect(JSON.stringify(deployed.lines)).not.toContain('token=');
  });
});
