/** Moves memory across threads without a copy, unless it shares an ArrayBuffer (Node's pool). */
export function owned(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.buffer.byteLength === data.byteLength ? data : new Uint8Array(data);
}
