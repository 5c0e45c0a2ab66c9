import { useState } from 'preact/hooks';
import type { Backup } from '../../../functions/core/model/backup';
import type { BackupSchedule } from '../../../functions/core/model/schedule';
import type { BackupVerification } from '../../../functions/core/model/verification';
import { call, idempotencyKey, type Page } from '../api';
import {
  DataTable,
  ActionButton,
  Card,
  Empty,
  ErrorBox,
  Notice,
  Pager,
  Progress,
  Status,
} from '../components';
import { bytes, duration, secondsBetween, shortId, when } from '../format';
import { navigate, useApi, useCursorPages } from '../hooks';
import { RestoreForm } from './restore-form';

const ACTIVE = (b: Backup) => b.status === 'running' || b.status === 'pending';

/** "Run now" sent us here (`started` is when): keep looking for a minute while the workflow starts. */
function justStarted(query: URLSearchParams): boolean {
  return Date.now() - Number(query.get('started') ?? 0) < 60_000;
}

export function Backups({ query }: { query: URLSearchParams }) {
  const status = query.get('status') ?? '';
  const schedule = query.get('schedule') ?? '';
  const pages = useCursorPages();
  const { cursor } = pages;
  const schedules = useApi(
    () => call<Page<BackupSchedule>>('GET', '/schedules', { query: { limit: 1000 } }),
    'schedules',
  );
  const { data, error } = useApi(
    () => call<Page<Backup>>('GET', '/backups', { query: { status, schedule, cursor, limit: 25 } }),
    `${status}|${schedule}|${cursor ?? ''}`,
    // Live progress: poll while a backup runs, and a little after "Run now" until it shows up.
    { pollMs: 2000, poll: (p) => p.items.some(ACTIVE) || justStarted(query) },
  );
  const filter = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('started');
    pages.reset();
    navigate(`/backups?${next.toString()}`);
  };
  return (
    <div class="page">
      <h1>Backups</h1>
      <form class="filters" aria-label="Filter backups" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => filter('status', e.currentTarget.value)}>
            <option value="">any</option>
            {['pending', 'running', 'completed', 'failed', 'cancelled'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Schedule
          <select value={schedule} onChange={(e) => filter('schedule', e.currentTarget.value)}>
            <option value="">any</option>
            {(schedules.data?.items ?? []).map((s) => (
              <option key={s.name}>{s.name}</option>
            ))}
          </select>
        </label>
      </form>
      {status && schedule ? <Notice>Filter by one of status or schedule at a time.</Notice> : null}
      <ErrorBox error={error} />
      <DataTable
        items={data?.items}
        columns={['Backup', 'Target', 'Type', 'Status', 'Started', 'Duration', 'Read', 'Stored']}
        empty={<>No backups match.</>}
        row={(b) => (
          <tr key={b.id}>
            <th scope="row">
              <a href={`#/backups/${b.id}`} class="mono">
                {shortId(b.id)}
              </a>
            </th>
            <td>{b.target_identifier}</td>
            <td>{b.backup_type}</td>
            <td>
              <Status value={b.status} />
              {ACTIVE(b) ? <Progress value={b.progress} label={`Backup ${b.id} progress`} /> : null}
            </td>
            <td>{when(b.started_at ?? b.created_at)}</td>
            <td>{duration(secondsBetween(b.started_at, b.completed_at))}</td>
            <td>{bytes(b.original_size_bytes)}</td>
            <td>{bytes(b.final_size_bytes)}</td>
          </tr>
        )}
      />
      <Pager {...pages.pager(data?.next)} />
    </div>
  );
}

function Field({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function BackupDetail({ id }: { id: string }) {
  const [verifyType, setVerifyType] = useState('checksum');
  const [message, setMessage] = useState<string>();
  const [restoring, setRestoring] = useState(false);
  const backup = useApi(() => call<Backup>('GET', `/backups/${id}`), id, { pollMs: 2000, poll: ACTIVE });
  const verifications = useApi(
    () => call<Page<BackupVerification>>('GET', '/verifications', { query: { backup: id, limit: 50 } }),
    `verifications-${id}-${message ?? ''}`,
  );
  if (!backup.data) return backup.error ? <ErrorBox error={backup.error} /> : <p class="loading">Loading…</p>;
  const b = backup.data;
  const mine = verifications.data?.items ?? [];
  return (
    <div class="page">
      <h1>
        Backup <span class="mono">{b.id}</span>
      </h1>
      {message ? <Notice>{message}</Notice> : null}
      <div class="columns">
        <Card title="Backup">
          <dl>
            <Field label="Status">
              <Status value={b.status} />{' '}
              {ACTIVE(b) ? <Progress value={b.progress} label="Backup progress" /> : null}
            </Field>
            <Field label="Target">{b.target_identifier}</Field>
            <Field label="Type">
              {b.backup_type}
              {b.parent_backup_id ? (
                <>
                  {' '}
                  (parent <a href={`#/backups/${b.parent_backup_id}`}>{shortId(b.parent_backup_id)}</a>)
                </>
              ) : null}
            </Field>
            <Field label="Started">{when(b.started_at)}</Field>
            <Field label="Completed">{when(b.completed_at)}</Field>
            <Field label="Duration">{duration(secondsBetween(b.started_at, b.completed_at))}</Field>
            <Field label="Read">{bytes(b.original_size_bytes)}</Field>
            <Field label="Stored (new)">{bytes(b.final_size_bytes)}</Field>
            <Field label="Compression">{b.compression_algorithm ?? '—'}</Field>
            <Field label="Encryption">
              {b.encryption_enabled
                ? `yes${b.encryption_key_id ? ` (key ${b.encryption_key_id})` : ''}`
                : 'no'}
            </Field>
            <Field label="Storage">
              {b.storage_backend} {b.storage_location ?? ''}
            </Field>
            <Field label="Checksum">
              <span class="mono">
                {b.checksum_algorithm} {b.checksum_value ?? '—'}
              </span>
            </Field>
            {b.error_message ? <Field label="Error">{b.error_message}</Field> : null}
          </dl>
          <div class="actions">
            {ACTIVE(b) ? (
              <ActionButton
                label="Cancel backup"
                kind="danger"
                confirm="Cancel this backup? It stops within seconds and writes no snapshot."
                action={async () => {
                  await call('POST', `/backups/${b.id}/cancel`);
                  backup.reload();
                }}
              />
            ) : null}
            {b.status === 'completed' ? (
              <>
                <label>
                  Verification
                  <select value={verifyType} onChange={(e) => setVerifyType(e.currentTarget.value)}>
                    <option value="checksum">checksum</option>
                    <option value="integrity_check">integrity check</option>
                    <option value="restore_test">restore test</option>
                  </select>
                </label>
                <ActionButton
                  label="Verify"
                  action={async () => {
                    await call('POST', `/backups/${b.id}/verify`, {
                      body: { verification_type: verifyType },
                      idempotencyKey: idempotencyKey(),
                    });
                    setMessage(`Verification (${verifyType}) started.`);
                  }}
                />
                <button type="button" class="primary" onClick={() => setRestoring(true)}>
                  Restore…
                </button>
              </>
            ) : null}
          </div>
        </Card>
        <Card title="Verifications">
          {mine.length === 0 ? <Empty>Not verified yet.</Empty> : null}
          <ul class="recent">
            {mine.map((v) => (
              <li key={v.id}>
                <Status value={v.status} /> <a href={`#/verifications/${v.id}`}>{v.verification_type}</a>{' '}
                <span class="muted">{when(v.completed_at ?? v.started_at)}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      {restoring ? (
        <Card title="Restore">
          <RestoreForm backup={b} />
        </Card>
      ) : null}
    </div>
  );
}
