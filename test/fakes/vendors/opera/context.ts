import type { ConnectorContext, VendorHttp } from '../../../../shared/connectors/connector.js';
import { Circuits } from '../../../../shared/connectors/http/circuit.js';
import type { Clock } from '../../../../shared/connectors/http/clock.js';
import { TokenCache } from '../../../../shared/connectors/http/oauth-tokens.js';
import { createVendorHttp } from '../../../../shared/connectors/http/vendor-http.js';
import { opera } from '../../../../shared/connectors/vendors/opera/index.js';
import { operaCredentials, operaSettings, type OperaCredentials, type OperaSettings } from '../../../../shared/connectors/vendors/opera/settings.js';
import { APP_KEY, CLIENT_ID, CLIENT_SECRET, EXTERNAL_SYSTEM, type FakeOhip } from './server.js';
import { HOTEL_ID } from './dataset.js';

/** A clock whose sleeps return at once and are recorded: retries and Retry-After cost no real time. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now();
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
  }
  random(): number {
    return 0.5;
  }
}

export function operaSettingsFor(fake: FakeOhip, extra: Partial<OperaSettings> = {}): OperaSettings {
  return operaSettings.parse({ gatewayUrl: fake.baseUrl, hotelId: HOTEL_ID, externalSystemCode: EXTERNAL_SYSTEM, ...extra });
}

export const OPERA_CREDENTIALS: OperaCredentials = operaCredentials.parse({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appKey: APP_KEY });

/**
 * The context a run gives the OPERA connector, on the framework's real vendor HTTP client (token,
 * retries, circuit) pointed at the fake gateway; `timeoutMs` short so a hanging request fails fast.
 */
export function operaContext(
  fake: FakeOhip,
  options: { clock?: RecordingClock; timeoutMs?: number; settings?: Partial<OperaSettings> } = {},
): ConnectorContext<OperaSettings, OperaCredentials> & { http: VendorHttp } {
  const settings = operaSettingsFor(fake, options.settings);
  const http = createVendorHttp({
    vendor: opera.manifest.vendor,
    circuitKey: `opera-test-${Math.random()}`,
    tokenRequest: opera.tokenRequest!(settings, OPERA_CREDENTIALS),
    timeoutMs: options.timeoutMs ?? 5_000,
    circuits: new Circuits(),
    tokens: new TokenCache(),
    clock: options.clock ?? new RecordingClock(),
  });
  return { settings, credentials: OPERA_CREDENTIALS, http, timeZone: 'Europe/Berlin', today: fake.dataset.today };
}
