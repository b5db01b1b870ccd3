/** An instant in apaleo's date-time form: UTC, seconds precision. */
export function apaleoInstant(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
