import type { FactItem } from '../../shared/integrations/model.js';

/** A POS fact of tenant t, property p on 2026-01-01 with no contributions; `over` changes any field. */
export function testFact(id: string, over: Partial<FactItem> = {}): FactItem {
  return {
    id,
    tenantId: 't',
    type: 'fact',
    sourceType: 'pos',
    propertyId: 'p',
    integrationId: 'i',
    date: '2026-01-01',
    scenario: 'actual',
    contributions: [],
    digest: id,
    importId: 'imp',
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...over,
  };
}
