import type { BackupVerification } from '../../../functions/core/model/verification';
import { call, type Page } from '../api';
import { DataTable, Card, ErrorBox, Pager, Status } from '../components';
import { duration, secondsBetween, shortId, when } from '../format';
import { useApi, useCursorPages } from '../hooks';

const ACTIVE = (v: BackupVerification) => v.status === 'pending' || v.status === 'running';

function verdict(value: boolean | null): string {
  return value === null ? '—' : value ? 'yes' : 'NO';
}

export function Verifications() {
  const pages = useCursorPages();
  const { cursor } = pages;
  const { data, error } = useApi(
    () => call<Page<BackupVerification>>('GET', '/verifications', { query: { cursor, limit: 25 } }),
    `verifications-${cursor ?? ''}`,
    { pollMs: 3000, poll: (p) => p.items.some(ACTIVE) },
  );
  return (
    <div class="page">
      <h1>Verifications</h1>
      <ErrorBox error={error} />
      <DataTable
        items={data?.items}
        columns={[
          'Verification',
          'Backup',
          'Type',
          'Status',
          'Checksums',
          'Integrity',
          'Restore test',
          'When',
        ]}
        empty={<>No verifications yet.</>}
        row={(v) => (
          <tr key={v.id}>
            <th scope="row">
              <a href={`#/verifications/${v.id}`} class="mono">
                {shortId(v.id)}
              </a>
            </th>
            <td>
              <a href={`#/backups/${v.backup_id}`} class="mono">
                {shortId(v.backup_id)}
              </a>
            </td>
            <td>{v.verification_type.replace(/_/g, ' ')}</td>
            <td>
              <Status value={v.status} />
            </td>
            <td>{verdict(v.checksum_valid)}</td>
            <td>{verdict(v.data_integrity_verified)}</td>
            <td>{verdict(v.restore_test_passed)}</td>
            <td>{when(v.completed_at ?? v.started_at ?? v.created_at)}</td>
          </tr>
        )}
      />
      <Pager {...pages.pager(data?.next)} />
    </div>
  );
}

export function VerificationDetail({ id }: { id: string }) {
  const v = useApi(() => call<BackupVerification>('GET', `/verifications/${id}`), id, {
    pollMs: 2000,
    poll: ACTIVE,
  });
  if (!v.data) return v.error ? <ErrorBox error={v.error} /> : <p class="loading">Loading…</p>;
  const x = v.data;
  return (
    <div class="page">
      <h1>
        Verification <span class="mono">{x.id}</span>
      </h1>
      <Card title={x.verification_type.replace(/_/g, ' ')}>
        <dl>
          <dt>Status</dt>
          <dd>
            <Status value={x.status} />
          </dd>
          <dt>Backup</dt>
          <dd>
            <a href={`#/backups/${x.backup_id}`} class="mono">
              {x.backup_id}
            </a>
          </dd>
          <dt>Checksums valid</dt>
          <dd>{verdict(x.checksum_valid)}</dd>
          <dt>Integrity verified</dt>
          <dd>{verdict(x.data_integrity_verified)}</dd>
          <dt>Restore test passed</dt>
          <dd>{verdict(x.restore_test_passed)}</dd>
          <dt>Duration</dt>
          <dd>{duration(secondsBetween(x.started_at, x.completed_at))}</dd>
          {x.error_message ? (
            <>
              <dt>Error</dt>
              <dd>{x.error_message}</dd>
            </>
          ) : null}
        </dl>
        {x.verification_details ? (
          <details>
            <summary>Details</summary>
            <pre>{JSON.stringify(x.verification_details, null, 2)}</pre>
          </details>
        ) : null}
      </Card>
    </div>
  );
}
