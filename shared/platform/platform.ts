import type { Config } from './config.js';
import type { Log } from './log.js';
import type { Store } from './cosmos/store.js';
import type { MessagePublisher } from './bus/types.js';
import type { SubjectKeyRing } from './crypto/subject-keys.js';
import type { BlindIndex, FieldCipher } from './crypto/field-cipher.js';
import type { Outbox } from './outbox/outbox.js';
import type { BlobStore } from './blob/blob-store.js';

/**
 * The parts every feature module is built from. Owned here, below the features, so a feature
 * depends on the platform and never on the composition root that assembles it (shared/app.ts).
 */
export interface Platform {
  config: Config;
  log: Log;
  store: Store;
  bus: MessagePublisher;
  keys: SubjectKeyRing;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  outbox: Outbox;
  /** Blob Storage (Azure's, or the local Azurite started on first use). */
  blobs: BlobStore;
}
