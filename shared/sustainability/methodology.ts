/**
 * The version of the GoGreen calculation method (docs/gogreen.md). Every result carries it, so a
 * figure computed under one method is never silently compared with one computed under another:
 * bump it whenever a formula, an allocation rule or a default changes.
 */
export const METHODOLOGY_VERSION = 'gogreen-hcmi-1.0';

/** A ratio over a zero (or missing) denominator is null: the one rule of the reports, shared. */
export { ratio } from '../reporting/kpis.js';
