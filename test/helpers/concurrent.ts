/**
 * Runs `during` while `write` is called again and again (each call after the last one ended);
 * returns what `during` returned and how many writes completed meanwhile.
 */
export async function whileWriting<T>(
  write: (i: number) => Promise<unknown>,
  during: () => Promise<T>,
): Promise<{ result: T; writes: number }> {
  let writing = true;
  let writes = 0;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      await write(i);
      writes++;
    }
  })();
  try {
    return { result: await during(), writes };
  } finally {
    writing = false;
    await writer;
  }
}
