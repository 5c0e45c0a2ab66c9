import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  reload: () => void;
}

/**
 * Data from the API, loaded when `key` changes and again every `pollMs` while `poll(data)` says
 * so (a running backup's progress), without overlapping requests.
 */
export function useApi<T>(
  load: () => Promise<T>,
  key: string,
  options: { pollMs?: number; poll?: (data: T) => boolean } = {},
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | Error>();
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const shownKey = useRef(key);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Other data asked for (a filter, a page): what is shown is no longer the answer.
    if (shownKey.current !== key) {
      shownKey.current = key;
      setData(undefined);
    }
    loadRef
      .current()
      .then((value) => {
        if (cancelled) return;
        setData(value);
        setError(undefined);
        if (options.pollMs && (options.poll?.(value) ?? true)) timer = setTimeout(reload, options.pollMs);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        if (options.pollMs) timer = setTimeout(reload, options.pollMs * 3);
      });
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, tick]);
  return { data, error, reload };
}

/** The current hash route: `#/backups/ID?x=1` → { path: '/backups/ID', query }. */
export function useRoute(): { path: string; query: URLSearchParams } {
  const read = () => {
    const [path, query] = (location.hash.replace(/^#/, '') || '/').split('?');
    return { path: path || '/', query: new URLSearchParams(query ?? '') };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    // The address may have changed between the first render and this listener.
    changed();
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function navigate(path: string): void {
  location.hash = `#${path}`;
}

/**
 * Newer/older over a cursor-paged listing: the cursor to load, and the Pager's props for the
 * page that came back. `reset` goes back to the newest page (when a filter changes).
 */
export function useCursorPages(): {
  cursor: string | undefined;
  reset: () => void;
  pager: (next: string | undefined) => {
    hasPrevious: boolean;
    next: string | undefined;
    onPrevious: () => void;
    onNext: () => void;
  };
} {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors[cursors.length - 1],
    reset: () => setCursors([]),
    pager: (next) => ({
      hasPrevious: cursors.length > 0,
      next,
      onPrevious: () => setCursors(cursors.slice(0, -1)),
      onNext: () => {
        if (next) setCursors([...cursors, next]);
      },
    }),
  };
}
