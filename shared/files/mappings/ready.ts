import type { FileMappingInput } from '../mapping.js';

/** A mapping we ship for a vendor's export, chosen by name instead of written by hand. */
export interface ReadyMapping {
  title: string;
  vendor: string;
  mapping: FileMappingInput;
}
