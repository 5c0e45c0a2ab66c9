/** Where restored bytes go; it also computes their SHA-256, wherever that is cheapest. */
export interface HashingSink {
  /** May take ownership of `data`: do not reuse the buffer afterwards. */
  write(data: Buffer): Promise<void>;
  /** Flushes everything and returns the SHA-256 (hex) of all that was written. */
  end(): Promise<string>;
  /** Stops after a failure, writing nothing more; releases what the sink holds. */
  abort(): Promise<void>;
}
