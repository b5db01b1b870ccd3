import type { SourceFormat } from '../format.js';
import { utilityFact } from './facts.js';
import { utilityCsv, utilityRecord, type UtilityRecord } from './record.js';

export const utility: SourceFormat<UtilityRecord, 'utility'> = {
  type: 'utility',
  title: 'Utility readings',
  description:
    'Meter and energy-management-system readings per day or month: electricity, district heat and cooling, natural gas, fuel oil, LPG, diesel, water, waste by stream, refrigerant top-ups by gas, outsourced laundry (GoGreen).',
  record: utilityRecord,
  csv: utilityCsv,
  toFact: utilityFact,
  example: {
    json: {
      records: [
        { id: 'EL-MAIN-2026-03-14', date: '2026-03-14', resource: 'electricity', quantity: 1840.5, unit: 'kWh', meter: 'EL-MAIN' },
        { id: 'GAS-2026-03', period: '2026-03', resource: 'naturalGas', quantity: 5120, unit: 'm3', calorificValue: 39.5, volumeCorrection: 1.02264 },
        { id: 'WASTE-REC-2026-03', period: '2026-03', resource: 'waste', stream: 'recycled', quantity: 1.2, unit: 't' },
      ],
    },
    csv: 'id,date,period,resource,quantity,unit,meter,stream,calorificValue\nEL-MAIN-2026-03-14,2026-03-14,,electricity,1840.5,kWh,EL-MAIN,,\nWASTE-REC-2026-03,,2026-03,waste,1200,kg,,recycled,\n',
  },
};
