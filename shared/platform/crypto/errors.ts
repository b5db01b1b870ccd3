/** A ciphertext failed authentication: it was altered, or moved to another record, tenant or field. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

/** New personal data was offered for a subject whose key has been shredded. */
export class SubjectRedactedError extends Error {
  override readonly name = 'SubjectRedactedError';
  constructor(readonly subjectId: string) {
    super(`data subject ${subjectId} has been redacted`);
  }
}
