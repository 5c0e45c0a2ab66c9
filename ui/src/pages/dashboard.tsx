import { useMemo } from 'preact/hooks';
import type { Dashboard as DashboardData } from '../../../functions/core/services/dashboard';
import { call } from '../api';
import { TimeChart, type Series } from '../chart';
import { Card, Empty, ErrorBox, Stat, Status } from '../components';
import { ago, bytes, duration, shortId, when } from '../format';
import { useApi } from '../hooks';

const RPO_WORDS: Record<string, string> = {
  ok: 'within RPO',
  late: 'RPO missed',
  never: 'no backup yet',
  disabled: 'disabled',
};

export function Dashboard() {
  // The dashboard sums the catalog (up to 10,000 backups): refreshed every 15 s, not faster.
  const { data, error } = useApi(() => call<DashboardData>('GET', '/dashboard'), 'dashboard', {
    pollMs: 15_000,
  });
  const charts = useMemo(() => {
    const points = (data?.history ?? []).filter((p) => p.status === 'completed');
    const times = points.map((p) => Date.parse(p.started_at) / 1000);
    const sizes: Series[] = [
      { label: 'Read', values: points.map((p) => p.original_size_bytes), color: '#2563eb', format: bytes },
      { label: 'Stored', values: points.map((p) => p.final_size_bytes), color: '#16a34a', format: bytes },
    ];
    const durations: Series[] = [
      {
        label: 'Duration',
        values: points.map((p) => p.duration_seconds),
        color: '#9333ea',
        format: (v) => duration(v),
      },
    ];
    const end = Date.parse(data?.generated_at ?? new Date().toISOString()) / 1000;
    const range: [number, number] = [end - (data?.window_days ?? 30) * 86_400, end];
    return { times, sizes, durations, range };
  }, [data]);
  if (!data) return error ? <ErrorBox error={error} /> : <p class="loading">Loading…</p>;
  const late = data.schedules.filter((s) => s.rpo_status === 'late').length;
  const failures =
    data.failures.backups.length + data.failures.recovery_jobs.length + data.failures.verifications.length;
  return (
    <div class="page">
      <h1>Dashboard</h1>
      <ErrorBox error={error} />
      <div class="stats">
        <Stat
          label="Schedules"
          value={String(data.schedules.length)}
          detail={late ? `${late} missed their RPO` : 'all within RPO'}
        />
        <Stat
          label="Stored"
          value={bytes(data.totals.stored_bytes)}
          detail={`${data.totals.completed_backups} completed backups${data.totals.partial ? ' (first 10,000)' : ''}`}
        />
        <Stat label="Read" value={bytes(data.totals.original_bytes)} detail="before dedup and compression" />
        <Stat
          label="Dedup ratio"
          value={data.totals.dedup_ratio ? `${data.totals.dedup_ratio.toFixed(1)}×` : '—'}
          detail="bytes read per byte stored"
        />
        <Stat label="Failures" value={String(failures)} detail={`in the last ${data.window_days} days`} />
      </div>

      <Card title="Schedules">
        {data.schedules.length === 0 ? (
          <Empty>
            No schedules yet. <a href="#/schedules/new">Create one</a>.
          </Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Schedule</th>
                <th scope="col">Target</th>
                <th scope="col">Last backup</th>
                <th scope="col">Last completed</th>
                <th scope="col">Next run</th>
                <th scope="col">RPO</th>
              </tr>
            </thead>
            <tbody>
              {data.schedules.map((s) => (
                <tr key={s.name}>
                  <th scope="row">
                    <a href={`#/schedules/${encodeURIComponent(s.name)}`}>{s.name}</a>
                  </th>
                  <td>{s.target}</td>
                  <td>
                    {s.last_backup ? (
                      <>
                        <Status value={s.last_backup.status} />{' '}
                        <a href={`#/backups/${s.last_backup.id}`}>{ago(s.last_backup.started_at)}</a>
                      </>
                    ) : (
                      'never'
                    )}
                  </td>
                  <td title={s.last_completed_at ?? ''}>{ago(s.last_completed_at)}</td>
                  <td title={s.next_run ?? ''}>{s.next_run ? when(s.next_run) : '—'}</td>
                  <td>
                    <span class={`rpo rpo-${s.rpo_status}`}>{RPO_WORDS[s.rpo_status]}</span>
                    {s.interval_seconds ? <span class="muted"> ({duration(s.interval_seconds)})</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <div class="charts">
        <TimeChart
          title="Bytes read and stored per backup"
          times={charts.times}
          series={charts.sizes}
          range={charts.range}
        />
        <TimeChart
          title="Backup duration"
          times={charts.times}
          series={charts.durations}
          range={charts.range}
        />
      </div>

      <Card title={`Failures in the last ${data.window_days} days`}>
        {failures === 0 ? (
          <Empty>None.</Empty>
        ) : (
          <ul class="failures">
            {data.failures.backups.map((b) => (
              <li key={b.id}>
                Backup <a href={`#/backups/${b.id}`}>{shortId(b.id)}</a> ({ago(b.started_at)}):{' '}
                {b.error_message ?? 'failed'}
              </li>
            ))}
            {data.failures.recovery_jobs.map((j) => (
              <li key={j.id}>
                Recovery job <a href={`#/recovery-jobs/${j.id}`}>{shortId(j.id)}</a> ({ago(j.completed_at)}):{' '}
                {j.error_message ?? 'failed'}
              </li>
            ))}
            {data.failures.verifications.map((v) => (
              <li key={v.id}>
                Verification <a href={`#/verifications/${v.id}`}>{shortId(v.id)}</a> of backup{' '}
                <a href={`#/backups/${v.backup_id}`}>{shortId(v.backup_id)}</a>: {v.error_message ?? 'failed'}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
