/** Where restored bytes go, in order. */
export interface ByteSink {
  /** May take ownership of `data`: do not reuse the buffer afterwards. */
  write(data: Buffer): Promise<void>;
  /** Flushes everything written. */
  end(): Promise<void>;
  /** Stops after a failure, writing nothing more; releases what the sink holds. */
  abort(): Promise<void>;
}
