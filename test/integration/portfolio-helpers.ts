import { expect } from '@jest/globals';
import type { TestHost } from '../support/host.js';

/**
 * The third hotel of the portfolio tests: "Thames Hotel", London, GBP, 80 rooms, with a ROOMS
 * department (driver rooms sold, 0.5 h per room) and an FB department (driver covers, 0.3 h per cover).
 */
export async function addThamesHotel(host: TestHost, owner: string): Promise<string> {
  const created = await host.request('POST', '/api/v1/properties', { token: owner, body: { name: 'Thames Hotel', timezone: 'Europe/London', currency: 'GBP', roomsAvailable: 80 } });
  expect(created.status).toBe(201);
  for (const d of [
    { code: 'ROOMS', name: 'Rooms', usaliDepartment: 'rooms', driver: 'roomsSold', standardHoursPerUnit: 0.5 },
    { code: 'FB', name: 'Food & Beverage', usaliDepartment: 'fnb', driver: 'covers', standardHoursPerUnit: 0.3 },
  ]) {
    expect((await host.request('POST', `/api/v1/properties/${created.json.id}/departments`, { token: owner, body: d })).status).toBe(201);
  }
  return created.json.id;
}
