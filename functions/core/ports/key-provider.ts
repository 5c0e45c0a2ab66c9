/**
 * A key slot protects the repository master key. The slot's JSON is stored in the repository
 * (keys/<slotId>.json); what unlocks it (a key file, a passphrase, a KMS key) is outside.
 */
export type KeySlotKind = 'keyfile' | 'passphrase' | 'kms';

export interface WrappedKey {
  /** AES-256-GCM of the master key, with the repository id as associated data. */
  alg: 'aes-256-gcm';
  nonce: string; // base64
  ciphertext: string; // base64
  tag: string; // base64
}

export interface ScryptParams {
  alg: 'scrypt';
  salt: string; // base64
  N: number;
  r: number;
  p: number;
}

export interface KeySlot {
  v: 1;
  id: string;
  /** The repository this slot opens; lets a damaged config be told apart from a wrong key. */
  repo_id: string;
  kind: KeySlotKind;
  created_at: string;
  /** For keyfile slots: a fingerprint of the key-encryption key, so the right file can be found. */
  kek_id?: string;
  kdf?: ScryptParams;
  /** For kms slots: the KMS key and the encrypted data key returned by GenerateDataKey. */
  kms?: { key_arn: string; encryption_context: Record<string, string>; ciphertext_blob: string };
  /** The key generation whose master key the slot wraps (FORMAT.md §3.6); absent for the first. */
  generation?: number;
  /**
   * A writer slot (FORMAT.md §3.7) wraps the write-only keyring instead of the master key, and
   * names the reader key its backups' data keys are sealed to.
   */
  role?: 'writer';
  reader_key?: string; // base64, X25519 public key
  wrapped?: WrappedKey;
}

/** What a new slot is for: a key generation (0 when absent), and whether it is a writer slot. */
export interface SlotOptions {
  generation?: number;
  /** A writer slot: the reader public key (base64) its backups' data keys are sealed to. */
  writer?: { reader_key: string };
}

/** Unlocks (and creates) key slots for one kind of secret. */
export interface KeyProvider {
  readonly kind: KeySlotKind;
  /** Protect a master key (or, for a writer slot, the writer keyring); returns the slot to store. */
  createSlot(masterKey: Buffer, repoId: string, options?: SlotOptions): Promise<KeySlot>;
  /** Returns what the slot wraps, or throws WrongKeyError when this secret does not open it. */
  openSlot(slot: KeySlot, repoId: string): Promise<Buffer>;
}
