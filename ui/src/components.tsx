import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from './api';

/** A status as a word with a colour; the word carries the meaning, the colour only helps. */
export function Status({ value }: { value: string }) {
  return <span class={`status status-${value}`}>{value.replace(/_/g, ' ')}</span>;
}

export function Progress({ value, label }: { value: number; label: string }) {
  return (
    <span class="progress">
      <progress max={100} value={value} aria-label={label} />
      <span>{value}%</span>
    </span>
  );
}

/** An error as the API explained it: what went wrong, what to do, and which fields. */
export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <div class="error" role="alert">
      <strong>{problem ? `${problem.title}: ` : ''}</strong>
      {error.message}
      {problem?.hint ? <p class="hint">{problem.hint}</p> : null}
      {problem?.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div class="stat">
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
      {detail ? <div class="stat-detail">{detail}</div> : null}
    </div>
  );
}

/** A button whose action calls the API: busy while it runs, and its error shown beside it. */
export function ActionButton({
  label,
  action,
  kind = 'secondary',
  confirm: question,
}: {
  label: string;
  action: () => Promise<unknown>;
  kind?: 'primary' | 'secondary' | 'danger';
  confirm?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  return (
    <span class="action">
      <button
        type="button"
        class={kind}
        disabled={busy}
        onClick={async () => {
          if (question && !window.confirm(question)) return;
          setBusy(true);
          setError(undefined);
          try {
            await action();
          } catch (e) {
            setError(e as Error);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? `${label}…` : label}
      </button>
      <ErrorBox error={error} />
    </span>
  );
}

/** Previous/next over a cursor-paged listing. */
export function Pager({
  hasPrevious,
  next,
  onPrevious,
  onNext,
}: {
  hasPrevious: boolean;
  next: string | undefined;
  onPrevious: () => void;
  onNext: () => void;
}) {
  if (!hasPrevious && !next) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={!hasPrevious} onClick={onPrevious}>
        ← Newer
      </button>
      <button type="button" disabled={!next} onClick={onNext}>
        Older →
      </button>
    </nav>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/**
 * A list as a table: its column headings, one row per item, and what to say when there are none.
 * Nothing while the list loads (`items` undefined).
 */
export function DataTable<T>({
  items,
  columns,
  empty,
  row,
}: {
  items: T[] | undefined;
  columns: string[];
  empty: ComponentChildren;
  row: (item: T) => ComponentChildren;
}) {
  if (!items) return null;
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <table>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{items.map(row)}</tbody>
    </table>
  );
}
