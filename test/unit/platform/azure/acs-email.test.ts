import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AcsEmailSender } from '../../../../shared/identity/mail.js';
import { fakeCredential, startAcsStandIn, type AcsStandIn } from './acs-stand-in.js';

// Request shape: Azure/azure-rest-api-specs, specification/communication/data-plane/Email/stable/2023-03-31
// (CommunicationServicesEmail.json, Email_Send; examples/SendEmail.json).
const SCOPE = 'https://communication.azure.com/.default';
const message = { to: 'ada@example.com', subject: 'Your sign-in code', text: 'Code: 123456' };

let acs: AcsStandIn;
beforeAll(async () => {
  acs = await startAcsStandIn();
});
afterAll(async () => {
  await acs.close();
});

describe('AcsEmailSender (against a local HTTP stand-in for the ACS endpoint)', () => {
  it('posts the documented EmailMessage to /emails:send with a bearer token and accepts 202', async () => {
    acs.requests.length = 0;
    acs.reply({ status: 202, json: { id: '8540c0de-899f-5cce-acb5-3ec493af3800', status: 'Running' } });
    const credential = fakeCredential('acs-token-1');
    await new AcsEmailSender(acs.endpoint, 'DoNotReply@mail.pmi.test', () => credential).send(message);

    expect(credential.scopes).toEqual([SCOPE]);
    expect(acs.requests).toHaveLength(1);
    const req = acs.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/emails:send');
    expect(req?.query.get('api-version')).toBe('2023-03-31');
    expect(req?.headers.authorization).toBe('Bearer acs-token-1');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['operation-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(req?.body).toStrictEqual({
      senderAddress: 'DoNotReply@mail.pmi.test',
      recipients: { to: [{ address: 'ada@example.com' }] },
      content: { subject: 'Your sign-in code', plainText: 'Code: 123456' },
    });
  });

  it('works with an endpoint given without a trailing slash', async () => {
    acs.requests.length = 0;
    acs.reply({ status: 202 });
    await new AcsEmailSender(acs.endpoint.replace(/\/$/, ''), 'DoNotReply@mail.pmi.test', () => fakeCredential('t')).send(message);
    expect(acs.requests.map((r) => r.path)).toEqual(['/emails:send']);
  });

  it.each([200, 400, 401, 429, 500])('treats HTTP %i as a failure', async (status) => {
    acs.reply({ status, json: { error: { code: 'Refused', message: 'no' } } });
    await expect(new AcsEmailSender(acs.endpoint, 'DoNotReply@mail.pmi.test', () => fakeCredential('t')).send(message)).rejects.toThrow(
      `Azure Communication Services refused the e-mail (HTTP ${status})`,
    );
  });

  it('gives up on a call that hangs instead of hanging the request that sends the e-mail', async () => {
    acs.reply({ status: 202, hang: true });
    await expect(new AcsEmailSender(acs.endpoint, 'DoNotReply@mail.pmi.test', () => fakeCredential('t'), 200).send(message)).rejects.toThrow(/abort|timeout/i);
    acs.reply({ status: 202 });
  });

  it('fails without calling ACS when no token can be had', async () => {
    acs.requests.length = 0;
    await expect(new AcsEmailSender(acs.endpoint, 'DoNotReply@mail.pmi.test', () => fakeCredential(null)).send(message)).rejects.toThrow(
      'no token for Azure Communication Services',
    );
    expect(acs.requests).toEqual([]);
  });
});
