import type { Scenario } from '../measures.js';
import type { MappingContext } from './format.js';

/** A valid record the integration can't place (an unmapped code, say): reported on `field`, the rest of the batch goes on. */
export class RecordRejected extends Error {
  override readonly name = 'RecordRejected';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The property's department a source code is mapped to. */
export function department(ctx: MappingContext, codeValue: string, field: string): string {
  const id = ctx.mappings.departments[codeValue];
  if (!id) throw new RecordRejected(field, `unknown code '${codeValue}': map it to a department in the integration`);
  return id;
}

/** Days before the day of receipt are actuals; that day and later are on the books. */
export function timeScenario(ctx: MappingContext, date: string): Scenario {
  return date < ctx.receivedDate ? 'actual' : 'onTheBooks';
}
