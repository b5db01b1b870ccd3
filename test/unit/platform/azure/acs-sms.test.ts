import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AcsSmsSender } from '../../../../shared/identity/sms.js';
import { fakeCredential, startAcsStandIn, type AcsStandIn } from './acs-stand-in.js';

// Request and response shapes: Azure/azure-rest-api-specs, specification/communication/data-plane/Sms/stable/2021-03-07
// (communicationservicessms.json, Sms_Send: SendMessageRequest, SmsSendResponse; examples/send.json).
const SCOPE = 'https://communication.azure.com/.default';
const FROM = '+18005550100';
const message = { to: '+358401234567', text: 'Your code is 123456' };

let acs: AcsStandIn;
beforeAll(async () => {
  acs = await startAcsStandIn();
});
afterAll(async () => {
  await acs.close();
});

function sender(token: string | null = 'acs-token-2') {
  const credential = fakeCredential(token);
  return { credential, sms: new AcsSmsSender(acs.endpoint, FROM, () => credential) };
}

describe('AcsSmsSender (against a local HTTP stand-in for the ACS endpoint)', () => {
  it('posts the documented SendMessageRequest to /sms with a bearer token and accepts a 202 with a successful recipient', async () => {
    acs.requests.length = 0;
    acs.reply({ status: 202, json: { value: [{ to: message.to, messageId: 'Outgoing_1', httpStatusCode: 202, successful: true }] } });
    const { credential, sms } = sender();
    await sms.send(message);

    expect(credential.scopes).toEqual([SCOPE]);
    expect(acs.requests).toHaveLength(1);
    const req = acs.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/sms');
    expect(req?.query.get('api-version')).toBe('2021-03-07');
    expect(req?.headers.authorization).toBe('Bearer acs-token-2');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toStrictEqual({
      from: FROM,
      smsRecipients: [{ to: '+358401234567' }],
      message: 'Your code is 123456',
      smsSendOptions: { enableDeliveryReport: false },
    });
  });

  it('gives up on a call that hangs instead of hanging the MFA step that sends the code', async () => {
    acs.reply({ status: 202, hang: true });
    await expect(new AcsSmsSender(acs.endpoint, FROM, () => fakeCredential('t'), 200).send({ to: '+358401234567', text: 'code' })).rejects.toThrow(/abort|timeout/i);
    acs.reply({ status: 202 });
  });

  it('fails when ACS accepts the request but reports the recipient as not sent', async () => {
    acs.reply({ status: 202, json: { value: [{ to: message.to, httpStatusCode: 400, errorMessage: 'Invalid To phone number format.', successful: false }] } });
    await expect(sender().sms.send(message)).rejects.toThrow('Azure Communication Services could not send the SMS (status 400)');
  });

  it.each([200, 400, 401, 500])('treats HTTP %i as a failure', async (status) => {
    acs.reply({ status, json: { value: [{ to: message.to, httpStatusCode: 202, successful: true }] } });
    await expect(sender().sms.send(message)).rejects.toThrow(`Azure Communication Services refused the SMS (HTTP ${status})`);
  });

  it('fails without calling ACS when no token can be had', async () => {
    acs.requests.length = 0;
    await expect(sender(null).sms.send(message)).rejects.toThrow('no token for Azure Communication Services');
    expect(acs.requests).toEqual([]);
  });
});
