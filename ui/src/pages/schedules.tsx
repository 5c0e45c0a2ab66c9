import { useEffect, useState } from 'preact/hooks';
import type { Backup } from '../../../functions/core/model/backup';
import type { BackupSchedule, RetentionPolicy } from '../../../functions/core/model/schedule';
import type { Target } from '../../../functions/core/model/target';
import { call, idempotencyKey, type Page } from '../api';
import { DataTable, ActionButton, Card, Empty, ErrorBox, Notice, Status } from '../components';
import { ago, bytes, when } from '../format';
import { navigate, useApi } from '../hooks';

const PRESETS: { label: string; cron: string }[] = [
  { label: 'Every 15 minutes', cron: '*/15 * * * *' },
  { label: 'Hourly', cron: '0 * * * *' },
  { label: 'Daily at 02:00', cron: '0 2 * * *' },
  { label: 'Weekdays at 22:30', cron: '30 22 * * 1-5' },
  { label: 'Sundays at 03:00', cron: '0 3 * * 0' },
  { label: 'Monthly, 1st at 04:00', cron: '0 4 1 * *' },
];

const RETENTION_FIELDS: { key: keyof RetentionPolicy; label: string }[] = [
  { key: 'keep_last', label: 'Last' },
  { key: 'keep_hourly', label: 'Hourly' },
  { key: 'keep_daily', label: 'Daily' },
  { key: 'keep_weekly', label: 'Weekly' },
  { key: 'keep_monthly', label: 'Monthly' },
  { key: 'keep_yearly', label: 'Yearly' },
];

interface Preview {
  next_runs: { at: string; local: string }[];
}

/**
 * The next runs of the cron expression in the chosen zone, as the server computes them. The list
 * names the zone it was computed for, not the one just picked: until the new answer arrives the
 * old list stays under its own heading, and an answer for inputs since changed is dropped.
 */
function CronHelper({ cron, timezone }: { cron: string; timezone: string }) {
  const [preview, setPreview] = useState<{ timezone: string; runs: Preview['next_runs'] }>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      call<Preview>('GET', '/schedule-preview', { query: { schedule_cron: cron, timezone, count: 5 } })
        .then((p) => {
          if (!current) return;
          setPreview({ timezone, runs: p.next_runs });
          setError(undefined);
        })
        .catch((e: Error) => {
          if (!current) return;
          setPreview(undefined);
          setError(e);
        });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [cron, timezone]);
  return (
    <div class="cron-helper" aria-live="polite">
      {error ? <ErrorBox error={error} /> : null}
      {preview ? (
        <>
          <p>Next runs ({preview.timezone}):</p>
          <ol class="next-runs">
            {preview.runs.map((r) => (
              <li key={r.at} title={r.at}>
                {r.local}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </div>
  );
}

function zones(): string[] {
  const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
    'timeZone',
  );
  return ['UTC', ...(list ?? []).filter((z) => z !== 'UTC')];
}

/** Create (no `existing`) or change a schedule. */
export function ScheduleForm({
  existing,
  onSaved,
}: {
  existing?: BackupSchedule;
  onSaved: (name: string) => void;
}) {
  const targets = useApi(() => call<Page<Target>>('GET', '/targets', { query: { limit: 1000 } }), 'targets');
  const [name, setName] = useState(existing?.name ?? '');
  const [target, setTarget] = useState(existing?.target_config.target ?? '');
  const [cron, setCron] = useState(existing?.schedule_cron ?? '0 2 * * *');
  const [timezone, setTimezone] = useState(existing?.timezone ?? 'UTC');
  const [type, setType] = useState<string>(existing?.backup_type ?? 'incremental');
  const [retention, setRetention] = useState<RetentionPolicy>(
    existing?.retention_policy ?? { keep_daily: 7 },
  );
  const [verify, setVerify] = useState(existing?.verification_enabled ?? true);
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [description, setDescription] = useState(existing?.description ?? '');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const first = targets.data?.items[0];
    if (!target && first) setTarget(first.name);
  }, [targets.data]);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const fields = {
      schedule_cron: cron,
      timezone,
      backup_type: type,
      retention_policy: retention,
      verification_enabled: verify,
      enabled,
      description: description || null,
    };
    try {
      if (existing) await call('PATCH', `/schedules/${encodeURIComponent(existing.name)}`, { body: fields });
      else await call('POST', '/schedules', { body: { name, target, ...fields } });
      onSaved(existing?.name ?? name);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} aria-label={existing ? 'Change schedule' : 'New schedule'}>
      <ErrorBox error={error} />
      {existing ? null : (
        <>
          <label>
            Name
            <input
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              placeholder="nightly-db"
            />
          </label>
          <label>
            Target
            <select required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              {(targets.data?.items ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.target_config.kind})
                </option>
              ))}
            </select>
            {targets.data?.items.length === 0 ? (
              <span class="hint">No targets yet: add one with `lifeboat target add` or POST /targets.</span>
            ) : null}
          </label>
        </>
      )}
      <fieldset>
        <legend>When</legend>
        <label>
          Cron expression (minute hour day-of-month month day-of-week)
          <input required value={cron} onInput={(e) => setCron(e.currentTarget.value)} class="mono" />
        </label>
        <div class="presets" role="group" aria-label="Common schedules">
          {PRESETS.map((p) => (
            <button type="button" key={p.cron} class="chip" onClick={() => setCron(p.cron)}>
              {p.label}
            </button>
          ))}
        </div>
        <label>
          Time zone
          <select value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)}>
            {zones().map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <CronHelper cron={cron} timezone={timezone} />
      </fieldset>
      <label>
        Backup type
        <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
          <option value="incremental">incremental (reuses the last backup's data)</option>
          <option value="differential">differential (against the last full)</option>
          <option value="full">full (every run reads and stores everything anew)</option>
        </select>
      </label>
      <fieldset>
        <legend>Retention: keep this many</legend>
        <div class="retention">
          {RETENTION_FIELDS.map((f) => (
            <label key={f.key}>
              {f.label}
              <input
                type="number"
                min={1}
                value={retention[f.key] ?? ''}
                onInput={(e) => {
                  const v = e.currentTarget.value;
                  const next = { ...retention };
                  if (v === '') delete next[f.key];
                  else (next as Record<string, number>)[f.key] = Number(v);
                  setRetention(next);
                }}
              />
            </label>
          ))}
        </div>
      </fieldset>
      <label class="check">
        <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.currentTarget.checked)} /> Verify
        each backup after it completes
      </label>
      <label class="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />{' '}
        Enabled
      </label>
      <label>
        Description
        <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {existing ? 'Save changes' : 'Create schedule'}
      </button>
    </form>
  );
}

export function Schedules() {
  const { data, error, reload } = useApi(
    () => call<Page<BackupSchedule>>('GET', '/schedules', { query: { limit: 1000 } }),
    'schedules',
  );
  return (
    <div class="page">
      <h1>Schedules</h1>
      <p>
        <a class="button primary" href="#/schedules/new">
          New schedule
        </a>
      </p>
      <ErrorBox error={error} />
      <DataTable
        items={data?.items}
        columns={['Name', 'Target', 'When', 'Type', 'State', 'Actions']}
        empty={<>No schedules yet.</>}
        row={(s) => (
          <tr key={s.id}>
            <th scope="row">
              <a href={`#/schedules/${encodeURIComponent(s.name)}`}>{s.name}</a>
            </th>
            <td>{s.target_config.target}</td>
            <td>
              <code>{s.schedule_cron}</code> {s.timezone}
            </td>
            <td>{s.backup_type}</td>
            <td>{s.enabled ? 'enabled' : 'disabled'}</td>
            <td class="actions">
              <RunNow name={s.name} />
              <ActionButton
                label={s.enabled ? 'Disable' : 'Enable'}
                action={async () => {
                  await call('PATCH', `/schedules/${encodeURIComponent(s.name)}`, {
                    body: { enabled: !s.enabled },
                  });
                  reload();
                }}
              />
            </td>
          </tr>
        )}
      />
    </div>
  );
}

function RunNow({ name }: { name: string }) {
  return (
    <ActionButton
      label="Run now"
      kind="primary"
      action={async () => {
        await call('POST', `/schedules/${encodeURIComponent(name)}/run`, {
          idempotencyKey: idempotencyKey(),
        });
        navigate(`/backups?schedule=${encodeURIComponent(name)}&started=${Date.now()}`);
      }}
    />
  );
}

export function NewSchedule() {
  return (
    <div class="page">
      <h1>New schedule</h1>
      <ScheduleForm onSaved={(name) => navigate(`/schedules/${encodeURIComponent(name)}`)} />
    </div>
  );
}

export function ScheduleDetail({ name }: { name: string }) {
  const [saved, setSaved] = useState(false);
  const schedule = useApi(() => call<BackupSchedule>('GET', `/schedules/${encodeURIComponent(name)}`), name);
  const backups = useApi(
    () => call<Page<Backup>>('GET', '/backups', { query: { schedule: name, limit: 10 } }),
    `backups-${name}`,
    { pollMs: 3000, poll: (p) => p.items.some((b) => b.status === 'running' || b.status === 'pending') },
  );
  if (!schedule.data)
    return schedule.error ? <ErrorBox error={schedule.error} /> : <p class="loading">Loading…</p>;
  const s = schedule.data;
  return (
    <div class="page">
      <h1>Schedule {s.name}</h1>
      <p class="actions">
        <RunNow name={s.name} />
        <ActionButton
          label="Delete"
          kind="danger"
          confirm={`Delete schedule "${s.name}"? Its backups stay.`}
          action={async () => {
            await call('DELETE', `/schedules/${encodeURIComponent(s.name)}`);
            navigate('/schedules');
          }}
        />
      </p>
      {saved ? <Notice>Saved.</Notice> : null}
      <div class="columns">
        <Card title="Settings">
          <ScheduleForm
            key={s.updated_at}
            existing={s}
            onSaved={() => {
              setSaved(true);
              schedule.reload();
            }}
          />
        </Card>
        <Card title="Recent backups">
          {backups.data?.items.length === 0 ? <Empty>None yet.</Empty> : null}
          <ul class="recent">
            {(backups.data?.items ?? []).map((b) => (
              <li key={b.id}>
                <Status value={b.status} />{' '}
                <a href={`#/backups/${b.id}`}>{ago(b.started_at ?? b.created_at)}</a>{' '}
                <span class="muted">
                  {b.status === 'running' ? `${b.progress}%` : bytes(b.final_size_bytes)} ·{' '}
                  {when(b.started_at)}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
