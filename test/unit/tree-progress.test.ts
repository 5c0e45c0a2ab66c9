import { TreeProgress } from '../../bin/cli/progress';

/**
 * The tree backup's bar, drawn into a spied stderr on a fake clock: the ETA appears once a second
 * has passed and the total is known. (test/e2e/progress.test.ts sees the bar on a real terminal;
 * a backup there can end within that second.)
 */
describe('TreeProgress', () => {
  let written: string[];
  let write: jest.SpyInstance;
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-30T00:00:00Z') });
    written = [];
    // cli-progress draws only on a terminal.
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    write.mockRestore();
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
    jest.useRealTimers();
  });

  function draw(progress: TreeProgress, afterMs: number, files: number, bytes: number): string {
    jest.advanceTimersByTime(afterMs);
    progress.update(files, bytes);
    jest.advanceTimersByTime(300); // the bar redraws on its own timer
    return written.join('');
  }

  test('files, bytes of the total and rate, then the ETA once a second has passed', () => {
    const progress = new TreeProgress('backup', undefined, true);
    progress.setTotal(500 * 1024 * 1024);
    const early = draw(progress, 500, 10, 50 * 1024 * 1024);
    expect(early).toMatch(/backup 10 files, 50\.0 MiB of 500 MiB \| \d+(\.\d+)? MiB\/s/);
    expect(early).not.toMatch(/ETA/);
    // 100 MiB in 2 s: 50 MiB/s, 400 MiB to go: 8 s.
    const later = draw(progress, 1200, 20, 100 * 1024 * 1024);
    expect(later).toMatch(/backup 20 files, 100 MiB of 500 MiB \| \d+(\.\d+)? MiB\/s \| ETA 8s/);
    progress.stop();
  });

  test('no ETA without a total', () => {
    const progress = new TreeProgress('backup', undefined, true);
    const shown = draw(progress, 2500, 5, 10 * 1024 * 1024);
    expect(shown).toMatch(/backup 5 files, 10\.0 MiB \| /);
    expect(shown).not.toMatch(/ETA|of /);
    progress.stop();
  });
});
