// Capacity model (issue 16): item counts and sizes measured on the embedded store after real imports,
// then projected to a reference hotel group. Writes the measured and computed sections of docs/capacity.md.
// Run: npm run capacity  (= npm run build && node bench/capacity.js)
//  1. A demo hotel-year (365 days back, 500 ahead) of every source type through the signed webhook and
//     the import pipeline, drained; every container read back raw (system properties included).
//  2. Reference hotel-days on other dates: 2,000 POS checks with line items, 200 time records and the
//     PMS day, in the batches a POS and a time-keeping system would send; every store call metered in
//     RU by the model below; the items it adds read back the same way.
import { LocalKek } from '../dist/shared/platform/keys/kek.js';
import { TenantCollection } from '../dist/shared/platform/cosmos/store.js';
import { containers } from '../dist/shared/platform/topology.js';
import { demoBatches } from '../dist/shared/integrations/demo-data.js';
import { postBatches, setUp } from './lib/app.js';
import { fmt, machine, writeSection } from './lib/report.js';

const FILE = 'docs/capacity.md';
const TODAY = '2026-06-01';
const SAMPLE_DAYS = Number(process.env.CAPACITY_DAYS ?? 3);

/** The reference group of the issue; change these to redo the model for another group. */
const REF = {
  hotels: 500,
  staff: 200,
  /** Time records per hotel-day: one per shift, one shift per staff member a day (100,000 a day for the group). */
  shiftsPerDay: 200,
  checksPerDay: 2000,
  years: 10,
  aheadDays: 500,
  /** A POS sends its checks in batches of this many (4 deliveries a day); a time-keeping system sends one batch a day. */
  posBatch: 500,
  /** Other daily sources (PMS, RMS, F&B and table reservations, S&C): one delivery each a day; accounting monthly. */
  otherDailyDeliveries: 5,
  /** Audit events not caused by imports: logins, report views, admin changes (assumption). */
  userEventsPerHotelDay: 50,
  /** Staff turnover a year: each new employee is a new data subject with a data key (assumption, hospitality). */
  turnover: 0.5,
  /** Accounts (managers) per hotel (assumption). */
  usersPerHotel: 10,
  rawRetentionDays: 30,
  /** Cosmos DB indexes every path by default: index size as a share of the JSON (assumption; the portal's per-container metrics show the real one). */
  indexOverhead: 0.3,
  /** The whole group's night audit lands within this many seconds. */
  peakWindowSeconds: 3600,
  /** Flex Consumption instance memory (MB) billed while executing; instance concurrency per Functions guidance. */
  instanceMemoryMb: 2048,
};

/** Request units by the Cosmos DB RU model (assumptions, see docs/capacity.md "RU model"). */
const RU = {
  writePerKb: 5.5,
  /** Replace, upsert and patch rewrite the index entries of the old and the new version. */
  updatePerKb: 11,
  readPerKb: 1,
  queryBase: 2.5,
  queryPerKb: 1,
  deleteItem: 5.5,
};
const kb = (bytes) => Math.max(1, bytes / 1024);
const SYSTEM = ['_rid', '_self', '_etag', '_attachments', '_ts'];
// Without the synthetic key `_pk`: it exists on the embedded store only (Azure keys by the paths `_scope`, `_shard` themselves, which count).
const size = (o) => Buffer.byteLength(JSON.stringify(o, (k, v) => (k === '_pk' ? undefined : v)));
/** Store calls are metered per container as topology.ts names it (`facts`), not by its id (`facts2`). */
const containerName = (id) => Object.entries(containers).find(([, def]) => def.id === id)?.[0] ?? id;

/** List prices used by the cost model (assumptions: USD, West Europe, single region; see docs/capacity.md "Prices"). */
const PRICE = {
  cosmosProvisionedPer100RuHour: 0.008,
  cosmosAutoscalePer100RuHour: 0.012,
  cosmosStoragePerGbMonth: 0.25,
  flexPerGbSecond: 0.000026,
  flexPerMillionExecutions: 0.4,
  serviceBusStandardBasePerMonth: 9.86,
  serviceBusStandardIncludedOps: 13e6,
  serviceBusStandardPerMillionOps: 0.8,
  serviceBusPremiumPerMuMonth: 677.44,
  /** infra/ declares an RSA-3072 KEK and EC signing keys: "advanced" key operations of the standard tier. */
  keyVaultPer10kOps: 0.15,
};

// ---- Measurement --------------------------------------------------------------------------------

/** Every stored item of the tenant, per container and kind, as the store holds it (system properties included). */
async function snapshot(app, tenantId) {
  const kinds = new Map();
  for (const name of Object.keys(containers)) {
    const { resources } = await app.store.handles.get(name).items.readAll().fetchAll();
    for (const item of resources) {
      if (item.tenantId !== tenantId) continue;
      const kind = `${name} ${item.type ?? '?'}${item.type === 'fact' ? ` ${item.sourceType}` : ''}${item.type === 'dailyAggregate' ? ` ${item.level}` : ''}`;
      const ahead = typeof item.date === 'string' && item.date >= TODAY;
      const k = kinds.get(kind) ?? { container: name, kind, count: 0, bytes: 0, aheadCount: 0, aheadBytes: 0, systemBytes: 0, purgedBytes: 0, firstDate: null, lastDate: null };
      if (typeof item.date === 'string') {
        if (!k.firstDate || item.date < k.firstDate) k.firstDate = item.date;
        if (!k.lastDate || item.date > k.lastDate) k.lastDate = item.date;
      }
      const bytes = size(item);
      k.count += 1;
      k.bytes += bytes;
      k.systemBytes += bytes - size(Object.fromEntries(Object.entries(item).filter(([f]) => !SYSTEM.includes(f))));
      if (ahead) {
        k.aheadCount += 1;
        k.aheadBytes += bytes;
      }
      // An import record after raw-body retention: the inline sealed body removed, purgedAt set.
      if (item.type === 'import') k.purgedBytes += size({ ...item, enc: undefined, raw: { ...item.raw, purgedAt: new Date().toISOString() } });
      kinds.set(kind, k);
    }
  }
  return kinds;
}

/** What `after` holds that `before` did not (items by id), per kind. */
function added(before, after) {
  const out = new Map();
  for (const [kind, a] of after) {
    const b = before.get(kind);
    out.set(kind, { ...a, count: a.count - (b?.count ?? 0), bytes: a.bytes - (b?.bytes ?? 0), systemBytes: a.systemBytes - (b?.systemBytes ?? 0), purgedBytes: a.purgedBytes - (b?.purgedBytes ?? 0) });
  }
  return out;
}

/** Meters every tenant-collection call in RU by the model while `on()` says so; counts KEK and bus calls. */
function meter(app, on) {
  const m = { ru: 0, byCall: {}, byContainer: {}, kek: 0, published: {} };
  const add = (call, ru, container, n = 1) => {
    if (!on()) return;
    m.ru += ru;
    m.byContainer[container] = (m.byContainer[container] ?? 0) + ru;
    const c = (m.byCall[call] ??= { calls: 0, ru: 0 });
    c.calls += n;
    c.ru += ru;
  };
  const wrap = (method, cost) => {
    const original = TenantCollection.prototype[method];
    TenantCollection.prototype[method] = async function (...args) {
      const result = await original.apply(this, args);
      add(method, cost(args, result), containerName(this.container.id));
      return result;
    };
  };
  wrap('read', (_, r) => (r ? RU.readPerKb * kb(size(r)) : 1));
  wrap('create', ([item]) => RU.writePerKb * kb(size(item)));
  wrap('createGrouped', ([item]) => RU.writePerKb * kb(size(item)));
  for (const w of ['upsert', 'replace']) wrap(w, ([item]) => RU.updatePerKb * kb(size(item)));
  wrap('patch', (_, r) => RU.updatePerKb * kb(size(r)));
  wrap('delete', () => RU.deleteItem);
  wrap('all', (_, r) => RU.queryBase + RU.queryPerKb * (size(r) / 1024));
  wrap('page', (_, r) => RU.queryBase + RU.queryPerKb * (size(r.items ?? []) / 1024));
  const bulk = TenantCollection.prototype.bulk;
  TenantCollection.prototype.bulk = async function (operations, ...rest) {
    const results = await bulk.call(this, operations, ...rest);
    operations.forEach((op, i) => {
      const r = results[i];
      if (op.kind === 'read') add('bulk.read', r?.item ? RU.readPerKb * kb(size(r.item)) : 1, containerName(this.container.id));
      else if (op.kind === 'create') add('bulk.create', RU.writePerKb * kb(size(op.item)), containerName(this.container.id));
      else if (op.kind === 'delete') add('bulk.delete', RU.deleteItem, containerName(this.container.id));
      else add(`bulk.${op.kind}`, RU.updatePerKb * kb(size(op.item)), containerName(this.container.id));
    });
    return results;
  };
  for (const f of ['wrap', 'unwrap']) {
    const original = LocalKek.prototype[f];
    LocalKek.prototype[f] = function (...args) {
      if (on()) m.kek += 1;
      return original.apply(this, args);
    };
  }
  const publish = app.broker.publish.bind(app.broker);
  app.broker.publish = (queue, messages) => {
    if (on()) m.published[queue] = (m.published[queue] ?? 0) + messages.length;
    return publish(queue, messages);
  };
  return m;
}

/** One reference hotel-day: 2,000 POS checks with line items, a time record per shift, the PMS day. */
function referenceDay(date, departments, n) {
  const fnb = departments.filter((d) => d.usaliDepartment === 'fnb');
  const items = ['Espresso', 'Club sandwich', 'Caesar salad', 'Sparkling water 0.75 l', 'Glass of Grüner Veltliner', 'Wiener Schnitzel', 'Apple strudel'];
  const checks = Array.from({ length: REF.checksPerDay }, (_, k) => {
    const lines = Array.from({ length: 2 + ((k * 7) % 5) }, (_, j) => ({ item: items[(k + j) % items.length], quantity: 1 + ((k + j) % 3), netAmount: 4.5 + ((k * 13 + j * 7) % 30) }));
    const net = Math.round(lines.reduce((a, l) => a + l.quantity * l.netAmount, 0) * 100) / 100;
    return { id: `CHK-${date}-${String(k).padStart(5, '0')}`, businessDate: date, outlet: fnb[k % fnb.length].code, netRevenue: net, tax: Math.round(net * 10) / 100, discounts: 0, covers: 1 + (k % 4), checks: 1, lines };
  });
  const shifts = Array.from({ length: REF.shiftsPerDay }, (_, s) => {
    const d = departments[s % departments.length];
    return { id: `T-${date}-${s}`, employeeNumber: `REF${String(s).padStart(4, '0')}`, department: d.code, date, productiveHours: 7.5, nonProductiveHours: s % 10 === 0 ? 0.5 : 0, labourCost: 210 + (s % 40) };
  });
  const batches = [];
  for (let i = 0; i < checks.length; i += REF.posBatch) batches.push({ sourceType: 'pos', records: checks.slice(i, i + REF.posBatch) });
  batches.push({ sourceType: 'tms', records: shifts });
  batches.push({ sourceType: 'pms', records: [{ id: `D-${date}`, date, roomsAvailable: 180, outOfOrder: 1, roomsSold: 140 + (n % 20), complimentary: 1, roomRevenue: 21_000, guests: 230, arrivals: 50, departures: 48 }] });
  return batches;
}

// ---- Run -----------------------------------------------------------------------------------------

const types = ['pos', 'frs', 'trs', 'tms', 'pms', 'rms', 'snc', 'ams'];
const { host, app, tenantId, property, departments, integrations } = await setUp(types, { importConsumer: true });
const demoDepartments = departments.map((d) => ({ code: d.code, usaliDepartment: d.usaliDepartment }));

const base = await snapshot(app, tenantId);
const year = demoBatches({ key: 'capacity', roomsAvailable: property.roomsAvailable ?? 180, departments: demoDepartments }, { today: TODAY, historyDays: 365, aheadDays: REF.aheadDays }).filter((b) => types.includes(b.sourceType));
const yearIds = await postBatches(host, integrations, year, 'year');
await app.broker.idle();
const afterYear = await snapshot(app, tenantId);
const demoYear = added(base, afterYear);

let metering = false;
const metered = meter(app, () => metering);
const cpuBefore = process.cpuUsage();
metering = true;
let deliveries = 0;
let sampleRecords = 0;
let kekLastDay = 0;
for (let n = 0; n < SAMPLE_DAYS; n++) {
  const date = new Date(Date.parse('2024-03-04T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
  const batches = referenceDay(date, departments, n);
  deliveries += batches.length;
  sampleRecords += batches.reduce((a, b) => a + b.records.length, 0);
  const kekBefore = metered.kek;
  await postBatches(host, integrations, batches, `ref${n}`);
  await app.broker.idle();
  // The first day wraps a key for each of its new employees; later days show the steady state.
  kekLastDay = metered.kek - kekBefore;
}
metering = false;
const cpu = process.cpuUsage(cpuBefore);
const afterRef = await snapshot(app, tenantId);
const refDays = added(afterYear, afterRef);
const imports = (await app.store.collection('imports', tenantId).all("SELECT c.id, c.status FROM c WHERE c.type = 'import'")).filter((i) => yearIds.includes(i.id));
const statuses = imports.reduce((s, i) => ({ ...s, [i.status]: (s[i.status] ?? 0) + 1 }), {});
await host.stop();

// ---- Model ---------------------------------------------------------------------------------------

const GB = 1024 ** 3;
const avg = (k) => (k && k.count > 0 ? k.bytes / k.count : 0);
const kindsOf = (map, container) => [...map.values()].filter((k) => k.container === container && k.count > 0);
/** Days between a kind's first and last dated item: a dated item stays when its day passes, so its rate is items per day of span. */
const spanDays = (k) => (k.firstDate ? Math.round((Date.parse(k.lastDate) - Date.parse(k.firstDate)) / 86_400_000) + 1 : 365);
const perYear = (k) => (k.count * 365) / spanDays(k);

/** Per container: items and bytes per hotel-year, and the stock that does not grow with years (days ahead, raw bodies kept 30 days). */
function referenceHotel() {
  const rows = [];
  const row = (container, what, itemsPerYear, bytesPerItem, stockItems = 0, stockBytes = 0) => rows.push({ container, what, itemsPerYear, bytesPerItem, stockItems, stockBytes });
  // Facts: checks and time records at the reference rates and their measured sizes; other sources as the demo year sends them.
  row('facts', 'POS checks', REF.checksPerDay * 365, avg(refDays.get('facts fact pos')));
  row('facts', 'time records', REF.shiftsPerDay * 365, avg(refDays.get('facts fact tms')));
  for (const k of kindsOf(demoYear, 'facts').filter((k) => !/fact (pos|tms)$/.test(k.kind) && k.kind !== 'facts factDay')) {
    row('facts', `${k.kind.replace('facts fact ', '')} records (the demo's rate over ${spanDays(k)} days)`, perYear(k), avg(k), k.aheadCount, k.aheadBytes);
  }
  const factDayAhead = demoYear.get('facts factDay');
  row('facts', 'fact-day items (one per property-day)', 365, avg(refDays.get('facts factDay')), factDayAhead?.aheadCount ?? 0, factDayAhead?.aheadBytes ?? 0);
  for (const k of kindsOf(demoYear, 'aggregates')) {
    row('aggregates', `${k.kind.replace('aggregates ', '')} (the demo's rate over ${spanDays(k)} days)`, perYear(k), avg(k), k.aheadCount, k.aheadBytes);
  }
  const ref = refDays.get('imports import');
  const perDelivery = ref ? ref.purgedBytes / ref.count : 0;
  const deliveriesPerDay = Math.ceil(REF.checksPerDay / REF.posBatch) + 1 + REF.otherDailyDeliveries;
  const rawPerDay = ref ? (ref.bytes - ref.purgedBytes) / SAMPLE_DAYS + (refDays.get('imports importRaw')?.bytes ?? 0) / SAMPLE_DAYS : 0;
  row('imports', `import records (${deliveriesPerDay} deliveries a day + accounting monthly; size after raw-body retention)`, deliveriesPerDay * 365 + 12, perDelivery, 0, rawPerDay * REF.rawRetentionDays);
  const auditPerDay = kindsOf(refDays, 'audit').reduce((a, k) => a + k.count, 0) / SAMPLE_DAYS;
  const auditBytes = kindsOf(refDays, 'audit').reduce((a, k) => a + k.bytes, 0) / Math.max(1, kindsOf(refDays, 'audit').reduce((a, k) => a + k.count, 0));
  row('audit', `chain entries: ${fmt(auditPerDay, 1)} a day from imports (measured) + ${REF.userEventsPerHotelDay} user events (assumed)`, (auditPerDay + REF.userEventsPerHotelDay) * 365, auditBytes);
  const dataKey = afterRef.get('keys dataKey');
  row('keys', `data keys (${REF.staff} staff, ${REF.turnover * 100} % new a year)`, REF.staff * REF.turnover, avg(dataKey), REF.staff * (1 - REF.turnover), avg(dataKey) * REF.staff * (1 - REF.turnover));
  const identity = kindsOf(afterRef, 'identity');
  const users = afterRef.get('identity user')?.count ?? 1;
  row('identity', `accounts and their items (${REF.usersPerHotel} per hotel)`, 0, identity.reduce((a, k) => a + k.bytes, 0) / users / Math.max(1, identity.reduce((a, k) => a + k.count, 0) / users), (identity.reduce((a, k) => a + k.count, 0) / users) * REF.usersPerHotel, (identity.reduce((a, k) => a + k.bytes, 0) / users) * REF.usersPerHotel);
  const tenants = kindsOf(afterRef, 'tenants');
  const properties = afterRef.get('tenants property')?.count ?? 1;
  row('tenants', 'property, departments, settings', 0, 0, tenants.reduce((a, k) => a + k.count, 0) / properties, tenants.reduce((a, k) => a + k.bytes, 0) / properties);
  return { rows, deliveriesPerDay, auditPerDay, auditBytes };
}

const hotel = referenceHotel();
const byContainer = {};
for (const r of hotel.rows) {
  const c = (byContainer[r.container] ??= { itemsPerYear: 0, bytesPerYear: 0, stockItems: 0, stockBytes: 0 });
  c.itemsPerYear += r.itemsPerYear;
  c.bytesPerYear += r.itemsPerYear * r.bytesPerItem;
  c.stockItems += r.stockItems;
  c.stockBytes += r.stockBytes;
}
const withIndex = (bytes) => bytes * (1 + REF.indexOverhead);
const tenantAfter = (c, years) => withIndex(REF.hotels * (years * c.bytesPerYear + c.stockBytes));
const hotelAfter = (c, years) => withIndex(years * c.bytesPerYear + c.stockBytes);

/** The key of each spread container (shared/platform/topology.ts) and the largest logical partition it leaves after REF.years. */
const PROPOSED = {
  facts: { key: '/tenantId, /_scope (the property), /_shard (16 buckets hashed from the item id)', largest: (c) => withIndex((c.bytesPerYear * REF.years + c.stockBytes) / 16), note: 'one property\'s facts of all the years over its 16 shards (a hash of the id spreads them evenly)' },
  aggregates: { key: '/tenantId, /_scope (the property)', largest: (c) => withIndex(c.bytesPerYear * REF.years + c.stockBytes), note: 'one property, every year, with the days ahead' },
  imports: { key: '/tenantId, /_scope (the property; integrations tenant-wide)', largest: (c) => withIndex(c.bytesPerYear * REF.years + c.stockBytes), note: 'one property\'s import records of all the years, raw bodies within retention' },
  audit: { key: '/tenantId, /_scope (the epoch: chain sequence ÷ 2^20)', largest: () => withIndex(2 ** 20 * hotel.auditBytes), note: '2^20 entries of the measured size' },
  keys: { key: '/tenantId (unchanged)', largest: (c) => tenantAfter(c, REF.years), note: 'the tenant' },
  identity: { key: '/tenantId (unchanged)', largest: (c) => tenantAfter(c, REF.years), note: 'the tenant' },
  tenants: { key: '/tenantId (unchanged)', largest: (c) => tenantAfter(c, REF.years), note: 'the tenant' },
};

const refRu = metered.ru / SAMPLE_DAYS;
const peakRuPerSecond = (refRu * REF.hotels) / REF.peakWindowSeconds;
const publishedPerDay = Object.values(metered.published).reduce((a, b) => a + b, 0) / SAMPLE_DAYS;
const kekPerDay = SAMPLE_DAYS > 1 ? kekLastDay : metered.kek;
const cpuSecondsPerDay = (cpu.user + cpu.system) / 1e6 / SAMPLE_DAYS;

function monthlyCost() {
  const hours = 730;
  const storageGb = (years) => Object.values(byContainer).reduce((a, c) => a + tenantAfter(c, years), 0) / GB;
  // Autoscale bills the highest RU/s of each hour, at least 10 % of the maximum: the night-audit hour at the peak, the other 23 at the floor.
  const autoscaleMax = Math.ceil(peakRuPerSecond / 1000) * 1000;
  const autoscale = ((30 * (1 * autoscaleMax + 23 * 0.1 * autoscaleMax)) / 100) * PRICE.cosmosAutoscalePer100RuHour;
  const provisioned = (hours * autoscaleMax / 100) * PRICE.cosmosProvisionedPer100RuHour;
  const executionsPerDay = hotel.deliveriesPerDay + publishedPerDay + REF.userEventsPerHotelDay;
  const executions = 30 * executionsPerDay * REF.hotels;
  const gbSeconds = 30 * cpuSecondsPerDay * (REF.instanceMemoryMb / 1024) * REF.hotels;
  const functions = (executions / 1e6) * PRICE.flexPerMillionExecutions + gbSeconds * PRICE.flexPerGbSecond;
  // Service Bus operations: each message is sent, received and completed (3 operations of up to 64 KB).
  const ops = 30 * (publishedPerDay + REF.userEventsPerHotelDay) * 3 * REF.hotels;
  const sbStandard = PRICE.serviceBusStandardBasePerMonth + (Math.max(0, ops - PRICE.serviceBusStandardIncludedOps) / 1e6) * PRICE.serviceBusStandardPerMillionOps;
  const sbPremium = PRICE.serviceBusPremiumPerMuMonth;
  const kvOps = 30 * (kekPerDay + (REF.staff * REF.turnover) / 365) * REF.hotels;
  const keyVault = (kvOps / 1e4) * PRICE.keyVaultPer10kOps;
  const storage1 = storageGb(1) * PRICE.cosmosStoragePerGbMonth;
  const storage10 = storageGb(REF.years) * PRICE.cosmosStoragePerGbMonth;
  return { autoscaleMax, autoscale, provisioned, executions, gbSeconds, functions, ops, sbStandard, sbPremium, kvOps, keyVault, storage1, storage10, gb1: storageGb(1), gb10: storageGb(REF.years) };
}
const cost = monthlyCost();
const total = (storage) => cost.autoscale + storage + cost.functions + cost.sbPremium + cost.keyVault;
const perHotel = (v) => `$${fmt(v / REF.hotels, 2)}`;

// ---- Report --------------------------------------------------------------------------------------

const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const n0 = (v) => Math.round(v).toLocaleString('en-US');
const gb = (bytes) => fmt(bytes / GB, bytes / GB < 1 ? 3 : 1);
const stamp = `Command: \`npm run capacity\` (= \`npm run build && node bench/capacity.js\`; ${machine()}; ${new Date().toISOString().slice(0, 10)}).`;

const measuredRows = (map, days) =>
  [...map.values()]
    .filter((k) => k.count > 0)
    .sort((a, b) => a.kind.localeCompare(b.kind))
    .map((k) => [k.kind, n0(k.count), n0(k.bytes / k.count), n0(k.systemBytes / k.count), days ? fmt(k.count / days, 1) : n0(k.aheadCount)]);

const overYears = (c) => {
  const perYearBytes = withIndex(REF.hotels * c.bytesPerYear);
  return perYearBytes > 0 ? Math.max(0, (20 * GB - withIndex(REF.hotels * c.stockBytes)) / perYearBytes) : Infinity;
};
const largestProposed = Math.max(...Object.entries(byContainer).map(([name, c]) => PROPOSED[name]?.largest(c) ?? tenantAfter(c, REF.years)));
const factDay = refDays.get('facts factDay');
const factsPeak = ((metered.byContainer.facts ?? 0) / SAMPLE_DAYS) * REF.hotels / REF.peakWindowSeconds;
writeSection(
  'Summary',
  `${stamp}

- **Volume.** One reference hotel adds ${n0(Object.values(byContainer).reduce((a, c) => a + c.itemsPerYear, 0))} items and ${gb(Object.values(byContainer).reduce((a, c) => a + withIndex(c.bytesPerYear), 0))} GB a year (${fmt((100 * byContainer.facts.bytesPerYear) / Object.values(byContainer).reduce((a, c) => a + c.bytesPerYear, 0), 0)} % of it facts: POS checks and time records). The ${REF.hotels}-hotel tenant holds ${gb(Object.values(byContainer).reduce((a, c) => a + tenantAfter(c, REF.years), 0))} GB after ${REF.years} years.
- **Today's keys do not hold it.** Under \`/tenantId\` the tenant's facts pass the 20 GB logical-partition limit after ${fmt(overYears(byContainer.facts) * 365, 0)} days, its audit chain after ${fmt(overYears(byContainer.audit), 1)} years, its import records after ${fmt(overYears(byContainer.imports), 1)} years; writes beyond the limit fail.
- **The new keys do** (built; see "Keys"). Facts under \`/tenantId, /_scope, /_shard\` (property, 16 hash buckets), aggregates and imports under \`/tenantId, /_scope\` (property), audit under \`/tenantId, /_scope\` (epoch of 2^20 entries): the largest logical partition after ${REF.years} years is ${gb(largestProposed)} GB.
- **Peak.** ${fmt(refRu, 0)} RU per hotel-day of night audit; all ${REF.hotels} hotels within ${REF.peakWindowSeconds / 60} minutes: ${n0(peakRuPerSecond)} RU/s, of which the facts container takes ${n0(factsPeak)} RU/s — ${fmt((100 * factsPeak) / 10_000, 0)} % of the 10,000 RU/s one physical partition serves, which is all a tenant's facts can get under today's key. Under the new keys the same writes spread over the properties' partitions.
- **Cost.** ${perHotel(total(cost.storage1))} per hotel and month in year 1, ${perHotel(total(cost.storage10))} in year ${REF.years} (storage grows), at the list prices below.
- **Found on the way.** A fact-day item (the ids and versions of every fact of one property-day) is ${n0(avg(factDay))} bytes for a reference day of ${n0(sampleRecords / SAMPLE_DAYS)} records: every recompute of the day rewrites it (${fmt((metered.byCall['bulk.replace']?.ru ?? 0) / SAMPLE_DAYS, 0)} RU per hotel-day in bulk replaces), and a day of about ${n0((2 * 1024 * 1024) / (avg(factDay) / (sampleRecords / SAMPLE_DAYS)))} records would pass Cosmos DB's 2 MB item limit. It is not split yet: the vendor connectors send a day's totals per outlet rather than single checks, so only a source that posts every check (as this reference day does) comes near it; splitting it per source type is the fix when one does.`,
  FILE,
);

writeSection(
  'Measured item sizes',
  `${stamp}

Bytes are the JSON of each item as the store returns it, system properties (\`_rid\`, \`_self\`, \`_etag\`, \`_attachments\`, \`_ts\`) included; Cosmos DB's index comes on top (see "Assumptions").

**A demo hotel-year** (\`demoBatches\`, 365 days back and ${REF.aheadDays} ahead of ${TODAY}, ${year.length} deliveries, ${year.reduce((a, b) => a + b.records.length, 0)} records of every source type through the signed webhook and the import pipeline; outcomes ${JSON.stringify(statuses)}):

${table(['Container, item type', 'Items', 'Mean bytes', 'of which system properties', 'Dated on or after today (days ahead)'], measuredRows(demoYear))}

**Reference hotel-days** (${SAMPLE_DAYS} days, each ${REF.checksPerDay} POS checks with 2–6 line items in batches of ${REF.posBatch}, ${REF.shiftsPerDay} time records, the PMS day: ${deliveries} deliveries, ${sampleRecords} records), what they added:

${table(['Container, item type', 'Items', 'Mean bytes', 'of which system properties', 'Per hotel-day'], measuredRows(refDays, SAMPLE_DAYS))}

Import records are ${n0(avg(refDays.get('imports import')))} bytes while they carry their sealed body inline and ${n0((refDays.get('imports import')?.purgedBytes ?? 0) / Math.max(1, refDays.get('imports import')?.count ?? 1))} bytes after raw-body retention (${REF.rawRetentionDays} days) removes it.`,
  FILE,
);

writeSection(
  'Reference group',
  `${stamp}

${REF.hotels} hotels, ${REF.staff} staff each, ${REF.shiftsPerDay} time records and ${REF.checksPerDay} POS checks per hotel-day, ${REF.years} years of history, ${REF.aheadDays} days of on-the-books ahead. Items per hotel-year from the rates above and the demo year for the other sources; bytes from the measured means; "stock" is what does not grow with the years (days ahead, raw bodies within retention, accounts, keys of current staff).

${table(['Container', 'What', 'Items per hotel-year', 'Mean bytes', 'Stock items per hotel'], hotel.rows.map((r) => [r.container, r.what, n0(r.itemsPerYear), n0(r.bytesPerItem || (r.stockItems > 0 ? r.stockBytes / r.stockItems : 0)), n0(r.stockItems)]))}

Per container, with an index overhead of ${REF.indexOverhead * 100} % on the JSON (assumption):

${table(['Container', 'Items per hotel-year', 'GB per hotel-year', `GB per hotel after ${REF.years} years`, `Items per tenant after ${REF.years} years`, `GB per tenant after ${REF.years} years`], Object.entries(byContainer).map(([name, c]) => [name, n0(c.itemsPerYear), gb(withIndex(c.bytesPerYear)), gb(hotelAfter(c, REF.years)), n0(REF.hotels * (REF.years * c.itemsPerYear + c.stockItems)), gb(tenantAfter(c, REF.years))]))}

Total per tenant: ${gb(Object.values(byContainer).reduce((a, c) => a + tenantAfter(c, 1), 0))} GB after one year, ${gb(Object.values(byContainer).reduce((a, c) => a + tenantAfter(c, REF.years), 0))} GB after ${REF.years}.`,
  FILE,
);

writeSection(
  'Largest logical partition',
  `${stamp}

Today every container is keyed by \`/tenantId\` alone, so the tenant's whole share of a container is one logical partition (limit 20 GB, served by one physical partition of at most 10,000 RU/s). The new keys (see "Keys"):

${table(['Container', `Today (/tenantId): GB after ${REF.years} years`, 'Over 20 GB after (years)', 'New key', `Largest logical partition after ${REF.years} years (GB)`, 'Largest partition is'], Object.entries(byContainer).map(([name, c]) => {
  const p = PROPOSED[name];
  const perYear = withIndex(REF.hotels * c.bytesPerYear);
  const over = perYear > 0 ? Math.max(0, (20 * GB - withIndex(REF.hotels * c.stockBytes)) / perYear) : Infinity;
  return [name, gb(tenantAfter(c, REF.years)), Number.isFinite(over) ? (over <= REF.years ? fmt(over, 2) : 'never within ' + REF.years) : 'never', p?.key ?? '/tenantId', p ? gb(p.largest(c)) : gb(tenantAfter(c, REF.years)), p?.note ?? 'the tenant'];
}))}

Largest logical partition under the new keys: ${gb(Math.max(...Object.entries(byContainer).map(([name, c]) => PROPOSED[name]?.largest(c) ?? tenantAfter(c, REF.years))))} GB (limit 20 GB).`,
  FILE,
);

writeSection(
  'Peak write rate',
  `${stamp}

Every store call of the reference hotel-days was metered in RU by the model in "RU model" (sizes as sent or returned): ${fmt(refRu, 0)} RU per hotel-day of night audit (${n0(sampleRecords / SAMPLE_DAYS)} records in ${deliveries / SAMPLE_DAYS} deliveries).

${table(['Store call', 'Calls per hotel-day', 'RU per hotel-day'], Object.entries(metered.byCall).sort((a, b) => b[1].ru - a[1].ru).map(([call, c]) => [call, fmt(c.calls / SAMPLE_DAYS, 1), fmt(c.ru / SAMPLE_DAYS, 0)]))}

By container (RU per hotel-day): ${Object.entries(metered.byContainer).sort((a, b) => b[1] - a[1]).map(([c, ru]) => `${c} ${fmt(ru / SAMPLE_DAYS, 0)} (${fmt(((ru / SAMPLE_DAYS) * REF.hotels) / REF.peakWindowSeconds, 0)} RU/s at the peak)`).join(', ')}.

If all ${REF.hotels} hotels' night audits land within ${REF.peakWindowSeconds / 60} minutes: ${fmt(refRu, 0)} × ${REF.hotels} ÷ ${REF.peakWindowSeconds} s = **${n0(peakRuPerSecond)} RU/s**. Under today's keys all of it goes to one logical, hence one physical, partition per container (at most 10,000 RU/s each); under the new keys it spreads over the ${REF.hotels} properties' partitions, and the database-level autoscale throughput is shared by the containers.

Per hotel-day also measured: ${fmt(publishedPerDay, 1)} bus messages (${JSON.stringify(Object.fromEntries(Object.entries(metered.published).map(([q, v]) => [q, v / SAMPLE_DAYS])))}), ${fmt(kekPerDay, 1)} KEK calls on the last day (wrap or unwrap; the first day wraps a data key per new employee, later days find the unwrapped keys in the process's cache; ${metered.kek} over all days), ${fmt(cpuSecondsPerDay, 1)} CPU seconds of this process (app, embedded store and broker together: an upper bound of the Functions execution time).`,
  FILE,
);

writeSection(
  'Monthly cost per hotel',
  `${stamp}

${table(['Item', 'Formula (per month, group)', 'Group', 'Per hotel'], [
  ['Cosmos DB throughput, autoscale', `max RU/s M = ${n0(cost.autoscaleMax)} (peak rounded up to 1,000); 30 × (1 h × M + 23 h × 0.1 M) ÷ 100 × $${PRICE.cosmosAutoscalePer100RuHour}`, `$${fmt(cost.autoscale)}`, perHotel(cost.autoscale)],
  ['(alternative) Cosmos DB provisioned at the peak', `730 h × M ÷ 100 × $${PRICE.cosmosProvisionedPer100RuHour}`, `$${fmt(cost.provisioned)}`, perHotel(cost.provisioned)],
  ['Cosmos DB storage, year 1', `${gb(cost.gb1 * GB)} GB × $${PRICE.cosmosStoragePerGbMonth}`, `$${fmt(cost.storage1)}`, perHotel(cost.storage1)],
  [`Cosmos DB storage, year ${REF.years}`, `${gb(cost.gb10 * GB)} GB × $${PRICE.cosmosStoragePerGbMonth}`, `$${fmt(cost.storage10)}`, perHotel(cost.storage10)],
  ['Functions (Flex Consumption)', `${n0(cost.executions)} executions × $${PRICE.flexPerMillionExecutions}/M + ${n0(cost.gbSeconds)} GB-s × $${PRICE.flexPerGbSecond}`, `$${fmt(cost.functions)}`, perHotel(cost.functions)],
  ['(alternative) Service Bus Standard', `$${PRICE.serviceBusStandardBasePerMonth} + (${n0(cost.ops)} operations − 13 M included) × $${PRICE.serviceBusStandardPerMillionOps}/M`, `$${fmt(cost.sbStandard)}`, perHotel(cost.sbStandard)],
  ['Service Bus Premium (what infra/ deploys)', `1 messaging unit × $${PRICE.serviceBusPremiumPerMuMonth}`, `$${fmt(cost.sbPremium)}`, perHotel(cost.sbPremium)],
  ['Key Vault', `${n0(cost.kvOps)} operations × $${PRICE.keyVaultPer10kOps}/10,000`, `$${fmt(cost.keyVault)}`, perHotel(cost.keyVault)],
  ['**Total** (autoscale, Premium; storage of year 1 / year 10)', '', `$${fmt(total(cost.storage1))} / $${fmt(total(cost.storage10))}`, `${perHotel(total(cost.storage1))} / ${perHotel(total(cost.storage10))}`],
])}

Executions per hotel-day: ${hotel.deliveriesPerDay} webhook requests (the assumed deliveries) + ${fmt(publishedPerDay, 1)} queue messages (measured for the reference day's ${deliveries / SAMPLE_DAYS} deliveries) + ${REF.userEventsPerHotelDay} user requests (assumed). GB-s: the measured CPU seconds per hotel-day × ${REF.instanceMemoryMb / 1024} GB instance memory, as if no two executions shared an instance (an upper bound). Service Bus operations: every message sent, received and completed (3 operations). Key Vault: the measured KEK calls plus a wrap per new employee. The free monthly grants (Functions: 100,000 GB-s and 250,000 executions per subscription) are left out.`,
  FILE,
);
console.log(`capacity: wrote ${FILE} (${fmt(refRu, 0)} RU per hotel-day, peak ${n0(peakRuPerSecond)} RU/s)`);
process.exit(0);
