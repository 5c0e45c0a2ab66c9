import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, currentSession, useSession } from './api';
import {
  cognitoCredentials,
  forgetCredentials,
  localToken,
  saveLocalToken,
  signInWithCognito,
  signOutOfCognito,
} from './auth';
import { ErrorBox } from './components';
import { loadConfig, type UiConfig } from './config';
import { useRoute } from './hooks';
import { Audit } from './pages/audit';
import { BackupDetail, Backups } from './pages/backups';
import { Dashboard } from './pages/dashboard';
import { RecoveryJobDetail, RecoveryJobs } from './pages/recovery-jobs';
import { NewSchedule, ScheduleDetail, Schedules } from './pages/schedules';
import { VerificationDetail, Verifications } from './pages/verifications';

const NAV: { path: string; label: string }[] = [
  { path: '/', label: 'Dashboard' },
  { path: '/schedules', label: 'Schedules' },
  { path: '/backups', label: 'Backups' },
  { path: '/recovery-jobs', label: 'Recovery jobs' },
  { path: '/verifications', label: 'Verifications' },
  { path: '/audit', label: 'Audit log' },
];

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const [section, id] = path.split('/').slice(1);
  const arg = id ? decodeURIComponent(id) : undefined;
  switch (section) {
    case '':
    case undefined:
      return <Dashboard />;
    case 'schedules':
      return arg === 'new' ? <NewSchedule /> : arg ? <ScheduleDetail name={arg} /> : <Schedules />;
    case 'backups':
      return arg ? <BackupDetail id={arg} /> : <Backups query={query} />;
    case 'recovery-jobs':
      return arg ? <RecoveryJobDetail id={arg} /> : <RecoveryJobs query={query} />;
    case 'verifications':
      return arg ? <VerificationDetail id={arg} /> : <Verifications />;
    case 'audit':
      return <Audit query={query} />;
    default:
      return (
        <div class="page">
          <h1>Not found</h1>
          <p>
            There is no page {path}. <a href="#/">Go to the dashboard</a>.
          </p>
        </div>
      );
  }
}

/** Who is signed in, and the way to sign in or out. */
function Identity({ onChange }: { onChange: () => void }) {
  const session = currentSession();
  const [pasting, setPasting] = useState(false);
  const [token, setToken] = useState('');
  const { config, credentials } = session;
  if (credentials)
    return (
      <div class="identity">
        <span>{credentials.kind === 'aws' ? credentials.user : 'Signed in with the API token'}</span>
        <button
          type="button"
          class="link"
          onClick={() => {
            forgetCredentials();
            // In AWS, Cognito's session ends too, and its page comes back.
            if (config.auth === 'cognito') return signOutOfCognito(config);
            useSession({ config, credentials: null });
            onChange();
          }}
        >
          Sign out
        </button>
      </div>
    );
  return (
    <div class="identity">
      {pasting ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            useSession({ config, credentials: saveLocalToken(token) });
            onChange();
          }}
        >
          <label>
            API token (LIFEBOAT_HOME/api-token){' '}
            <input type="password" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          </label>
          <button type="submit">Use</button>
        </form>
      ) : (
        <>
          <span class="muted">Read only</span>
          <button type="button" class="link" onClick={() => setPasting(true)}>
            Sign in with the API token
          </button>
        </>
      )}
    </div>
  );
}

function SignIn({ config }: { config: Extract<UiConfig, { auth: 'cognito' }> }) {
  return (
    <main id="main" class="sign-in">
      <h1>Lifeboat</h1>
      <p>Sign in to see and manage your backups.</p>
      <button type="button" class="primary" onClick={() => void signInWithCognito(config)}>
        Sign in
      </button>
    </main>
  );
}

function App() {
  const { path, query } = useRoute();
  const [, setVersion] = useState(0);
  const [health, setHealth] = useState<{ version: string }>();
  useEffect(() => {
    call<{ version: string }>('GET', '/health').then(setHealth, () => undefined);
  }, []);
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <>
      <a href="#main" class="skip">
        Skip to the content
      </a>
      <header>
        <a href="#/" class="brand">
          Lifeboat
        </a>
        <nav aria-label="Sections">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <a href={`#${n.path}`} aria-current={section === n.path ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Identity onChange={() => setVersion((v) => v + 1)} />
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} query={query} />
      </main>
      <footer>{health ? `Lifeboat ${health.version}` : ''}</footer>
    </>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  let config: UiConfig;
  try {
    config = await loadConfig();
    const credentials = config.auth === 'cognito' ? await cognitoCredentials(config) : localToken();
    useSession({ config, credentials });
  } catch (error) {
    render(<ErrorBox error={error as Error} />, root);
    return;
  }
  // The signed-in address pasted into a tab that already shows the UI: only the hash changes.
  // Registered before the app's own listener, so the route it reads is already #/.
  addEventListener('hashchange', () => {
    if (location.hash.startsWith('#token=')) useSession({ config, credentials: localToken() });
  });
  root.textContent = '';
  // In AWS every call is signed: nothing to show until the user has signed in.
  if (config.auth === 'cognito' && !currentSession().credentials) render(<SignIn config={config} />, root);
  else render(<App />, root);
}

void start();
