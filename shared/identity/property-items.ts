import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { MonthlySpread, RoomsRevenueSource } from './property-settings.js';

// The stored shapes of a tenant's properties and departments: the tenant service writes them, the
// property directory (and through it reports and imports) reads them.

export type UsaliDepartment =
  | 'rooms'
  | 'fnb'
  | 'other_operated'
  | 'misc_income'
  | 'admin_general'
  | 'it_telecom'
  | 'sales_marketing'
  | 'maintenance'
  | 'utilities'
  | 'other';

export type Driver = 'roomsSold' | 'covers' | 'guests' | 'revenue' | 'none';

export interface PropertySettings {
  /** Out-of-order rooms leave "rooms available" (USALI keeps them in by default). */
  excludeOutOfOrderFromAvailable: boolean;
  /** Local hour after which the previous business day is closed (reports); absent: the configured default. */
  dailyCloseHour?: number;
  /** Source of record for rooms revenue (reports); absent: `pms`. See property-settings.ts. */
  roomsRevenueSource?: RoomsRevenueSource;
  /** How monthly AMS figures are spread over the month's days (reports); absent: `even`. */
  monthlySpread?: MonthlySpread;
}

export interface PropertyItem extends Item, OutboxCarrier {
  type: 'property';
  name: string;
  timezone: string;
  currency: string;
  roomsAvailable: number;
  settings: PropertySettings;
  createdAt: string;
  updatedAt: string;
}

export interface DepartmentItem extends Item, OutboxCarrier {
  type: 'department';
  propertyId: string;
  code: string;
  name: string;
  usaliDepartment: UsaliDepartment;
  /** Standard (earned) hours per unit of the driver, for productivity indexes. */
  standardHoursPerUnit: number | null;
  driver: Driver;
  createdAt: string;
  updatedAt: string;
}
