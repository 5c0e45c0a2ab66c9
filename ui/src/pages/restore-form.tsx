import { useState } from 'preact/hooks';
import type { Backup } from '../../../functions/core/model/backup';
import { call, idempotencyKey } from '../api';
import { ErrorBox } from '../components';
import { navigate } from '../hooks';

type Where = 'directory' | 'database' | 'data-directory' | 'application';

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * A recovery job for one backup: where to (a directory for files; a database, or a PostgreSQL
 * data directory for point-in-time, for databases; the application's own places), what (all or
 * parts), and whether to replace what is there. "Check only" validates and writes nothing.
 */
export function RestoreForm({ backup }: { backup: Backup }) {
  const initial: Where =
    backup.target_type === 'filesystem'
      ? 'directory'
      : backup.target_type === 'database'
        ? 'database'
        : 'application';
  const [where, setWhere] = useState<Where>(initial);
  const [path, setPath] = useState('');
  const [database, setDatabase] = useState('');
  const [parts, setParts] = useState('');
  const [pointInTime, setPointInTime] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [validateOnly, setValidateOnly] = useState(false);
  const [readBack, setReadBack] = useState(false);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const named = lines(parts);
  const recoveryType = pointInTime ? 'point_in_time' : named.length > 0 ? 'partial' : 'full';
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const target_config =
      where === 'directory'
        ? { kind: 'directory', path, includes: named, read_back: readBack }
        : where === 'database'
          ? { kind: 'database', database, tables: named }
          : where === 'data-directory'
            ? { kind: 'data-directory', path }
            : { kind: 'application' };
    try {
      await call('POST', '/recovery-jobs', {
        body: {
          backup: backup.id,
          recovery_type: recoveryType,
          target_config,
          point_in_time: pointInTime ? new Date(pointInTime).toISOString() : null,
          validate_only: validateOnly,
          overwrite_existing: overwrite,
        },
        idempotencyKey: idempotencyKey(),
      });
      navigate(`/recovery-jobs?backup=${backup.id}`);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit} aria-label="Restore this backup">
      <ErrorBox error={error} />
      <label>
        Restore into
        <select value={where} onChange={(e) => setWhere(e.currentTarget.value as Where)}>
          {backup.target_type === 'filesystem' ? <option value="directory">a directory</option> : null}
          {backup.target_type === 'database' ? (
            <>
              <option value="database">a database</option>
              <option value="data-directory">a PostgreSQL data directory (point in time)</option>
            </>
          ) : null}
          {backup.target_type === 'application' ? (
            <option value="application">the application's places</option>
          ) : null}
        </select>
      </label>
      {where === 'directory' || where === 'data-directory' ? (
        <label>
          Directory on the machine that runs the restore (absolute)
          <input
            required
            value={path}
            onInput={(e) => setPath(e.currentTarget.value)}
            placeholder="/srv/restore"
            class="mono"
          />
        </label>
      ) : null}
      {where === 'database' ? (
        <label>
          Database to create
          <input required value={database} onInput={(e) => setDatabase(e.currentTarget.value)} class="mono" />
        </label>
      ) : null}
      {where === 'directory' || where === 'database' ? (
        <label>
          {where === 'directory'
            ? 'Only these paths (one per line; empty: everything)'
            : 'Only these tables (one per line; empty: all)'}
          <textarea rows={3} value={parts} onInput={(e) => setParts(e.currentTarget.value)} class="mono" />
        </label>
      ) : null}
      {where === 'data-directory' ? (
        <label>
          Point in time
          <input
            type="datetime-local"
            step={1}
            value={pointInTime}
            onInput={(e) => setPointInTime(e.currentTarget.value)}
          />
        </label>
      ) : null}
      <label class="check">
        <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.currentTarget.checked)} />{' '}
        Replace what is already there
      </label>
      {where === 'directory' ? (
        <label class="check">
          <input type="checkbox" checked={readBack} onChange={(e) => setReadBack(e.currentTarget.checked)} />{' '}
          Read every restored file back and compare it with the backup (slower)
        </label>
      ) : null}
      <label class="check">
        <input
          type="checkbox"
          checked={validateOnly}
          onChange={(e) => setValidateOnly(e.currentTarget.checked)}
        />{' '}
        Check only: validate the request and write nothing
      </label>
      <p class="muted">
        Recovery type: <strong>{recoveryType.replace(/_/g, ' ')}</strong>
      </p>
      <button type="submit" class="primary" disabled={busy}>
        Start restore
      </button>
    </form>
  );
}
