import type { AuditEntry } from '../../../functions/core/model/audit';
import { call, type Page } from '../api';
import { DataTable, ErrorBox, Pager } from '../components';
import { when } from '../format';
import { navigate, useApi, useCursorPages } from '../hooks';

/** `2026-11-27T10:00` from a datetime-local input, as the API's ISO time. */
function iso(local: string | null): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function Audit({ query }: { query: URLSearchParams }) {
  const user = query.get('user') ?? '';
  const since = query.get('since');
  const until = query.get('until');
  const entity = query.get('entity') ?? '';
  const pages = useCursorPages();
  const { cursor } = pages;
  const { data, error } = useApi(
    () =>
      call<Page<AuditEntry>>('GET', '/audit', {
        query: { user, entity_type: entity, since: iso(since), until: iso(until), cursor, limit: 50 },
      }),
    `${user}|${entity}|${since ?? ''}|${until ?? ''}|${cursor ?? ''}`,
  );
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    pages.reset();
    navigate(`/audit?${next.toString()}`);
  };
  return (
    <div class="page">
      <h1>Audit log</h1>
      <form class="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label>
          User
          <input value={user} onChange={(e) => set('user', e.currentTarget.value)} />
        </label>
        <label>
          Entity
          <select value={entity} onChange={(e) => set('entity', e.currentTarget.value)}>
            <option value="">any</option>
            {['schedule', 'backup', 'recovery_job', 'verification', 'target', 'repository'].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input
            type="datetime-local"
            value={since ?? ''}
            onChange={(e) => set('since', e.currentTarget.value)}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            value={until ?? ''}
            onChange={(e) => set('until', e.currentTarget.value)}
          />
        </label>
      </form>
      <ErrorBox error={error} />
      <DataTable
        items={data?.items}
        columns={['When', 'Who', 'Action', 'Entity', 'From']}
        empty="No entries match."
        row={(e) => (
          <tr key={e.id}>
            <td title={e.timestamp}>{when(e.timestamp)}</td>
            <td>{e.user_id ?? '—'}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>
              {e.entity_type} <span class="mono muted">{e.entity_id ?? ''}</span>
            </td>
            <td title={e.user_agent ?? ''}>{e.ip_address ?? '—'}</td>
          </tr>
        )}
      />
      <Pager {...pages.pager(data?.next)} />
    </div>
  );
}
