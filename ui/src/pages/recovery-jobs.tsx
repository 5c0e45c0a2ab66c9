import type { RecoveryJob } from '../../../functions/core/model/recovery-job';
import { call, type Page } from '../api';
import { DataTable, ActionButton, Card, ErrorBox, Pager, Progress, Status } from '../components';
import { bytes, duration, secondsBetween, shortId, when } from '../format';
import { useApi, useCursorPages } from '../hooks';

const ACTIVE = (j: RecoveryJob) => !['completed', 'failed', 'cancelled'].includes(j.status);

function where(job: RecoveryJob): string {
  const t = job.target_config as { kind?: string; path?: string; database?: string };
  return t.path ?? t.database ?? t.kind ?? '—';
}

export function RecoveryJobs({ query }: { query: URLSearchParams }) {
  const backup = query.get('backup');
  const pages = useCursorPages();
  const { cursor } = pages;
  const { data, error } = useApi(
    () => call<Page<RecoveryJob>>('GET', '/recovery-jobs', { query: { cursor, limit: 25 } }),
    `jobs-${cursor ?? ''}`,
    // Just started from a backup's page: poll until the job shows, then while any job runs.
    {
      pollMs: 2000,
      poll: (p) => p.items.some(ACTIVE) || (backup !== null && !p.items.some((j) => j.backup_id === backup)),
    },
  );
  return (
    <div class="page">
      <h1>Recovery jobs</h1>
      <ErrorBox error={error} />
      <DataTable
        items={data?.items}
        columns={['Job', 'Backup', 'Type', 'Into', 'Status', 'Step', 'Started', 'Restored']}
        empty={<>No restores yet. Start one from a backup's page.</>}
        row={(j) => (
          <tr key={j.id} class={j.backup_id === backup ? 'highlight' : ''}>
            <th scope="row">
              <a href={`#/recovery-jobs/${j.id}`} class="mono">
                {shortId(j.id)}
              </a>
            </th>
            <td>
              <a href={`#/backups/${j.backup_id}`} class="mono">
                {shortId(j.backup_id)}
              </a>
            </td>
            <td>
              {j.recovery_type.replace(/_/g, ' ')}
              {j.validate_only ? ' (check only)' : ''}
            </td>
            <td class="mono">{where(j)}</td>
            <td>
              <Status value={j.status} />
              {ACTIVE(j) ? <Progress value={j.progress} label={`Recovery job ${j.id} progress`} /> : null}
            </td>
            <td>{j.current_step ?? '—'}</td>
            <td>{when(j.started_at ?? j.created_at)}</td>
            <td>{bytes(j.recovered_size_bytes)}</td>
          </tr>
        )}
      />
      <Pager {...pages.pager(data?.next)} />
    </div>
  );
}

export function RecoveryJobDetail({ id }: { id: string }) {
  const job = useApi(() => call<RecoveryJob>('GET', `/recovery-jobs/${id}`), id, {
    pollMs: 2000,
    poll: ACTIVE,
  });
  if (!job.data) return job.error ? <ErrorBox error={job.error} /> : <p class="loading">Loading…</p>;
  const j = job.data;
  return (
    <div class="page">
      <h1>
        Recovery job <span class="mono">{j.id}</span>
      </h1>
      <div class="columns">
        <Card title="Job">
          <dl>
            <dt>Status</dt>
            <dd>
              <Status value={j.status} /> <Progress value={j.progress} label="Recovery progress" />
            </dd>
            <dt>Backup</dt>
            <dd>
              <a href={`#/backups/${j.backup_id}`} class="mono">
                {j.backup_id}
              </a>
            </dd>
            <dt>Type</dt>
            <dd>
              {j.recovery_type.replace(/_/g, ' ')}
              {j.validate_only ? ' (check only)' : ''}
              {j.overwrite_existing ? ', replacing what was there' : ''}
            </dd>
            <dt>Into</dt>
            <dd class="mono">{where(j)}</dd>
            {j.point_in_time ? (
              <>
                <dt>Point in time</dt>
                <dd>{when(j.point_in_time)}</dd>
              </>
            ) : null}
            <dt>Started</dt>
            <dd>{when(j.started_at)}</dd>
            <dt>Duration</dt>
            <dd>{duration(secondsBetween(j.started_at, j.completed_at))}</dd>
            <dt>Restored</dt>
            <dd>{bytes(j.recovered_size_bytes)}</dd>
            {j.error_message ? (
              <>
                <dt>Error</dt>
                <dd>{j.error_message}</dd>
              </>
            ) : null}
          </dl>
          {ACTIVE(j) ? (
            <ActionButton
              label="Cancel restore"
              kind="danger"
              confirm="Cancel this restore? What it has written stays."
              action={async () => {
                await call('POST', `/recovery-jobs/${j.id}/cancel`);
                job.reload();
              }}
            />
          ) : null}
        </Card>
        <Card title="Steps">
          <ol class="steps">
            {j.steps.map((s) => (
              <li
                key={s.name}
                class={`step step-${s.status}`}
                aria-current={s.name === j.current_step ? 'step' : undefined}
              >
                <Status value={s.status} /> {s.name}
                {s.started_at ? (
                  <span class="muted"> {duration(secondsBetween(s.started_at, s.completed_at))}</span>
                ) : null}
                {s.message ? <div class="muted">{s.message}</div> : null}
              </li>
            ))}
          </ol>
          {j.validation_results ? (
            <details>
              <summary>Validation results</summary>
              <pre>{JSON.stringify(j.validation_results, null, 2)}</pre>
            </details>
          ) : null}
        </Card>
      </div>
    </div>
  );
}
