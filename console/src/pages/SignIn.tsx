// Sign-in: paste a token (`npm run token`), or, when the API runs with the development
// secret, pick a seeded user and let the API sign a token for them.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.ts';
import { colonOf, translate, roleKey, type Lang } from '../i18n.ts';

interface SeededUser {
  label: string;
  actor: { role: string; office?: string; country?: string; tin?: string };
}

export function SignIn(props: { lang: Lang; onToken: (token: string) => Promise<void>; onLanguage: () => void; problem?: string }) {
  const t = (key: Parameters<typeof translate>[1]) => translate(props.lang, key);
  const colon = colonOf(props.lang);
  const [token, setToken] = useState('');
  const [users, setUsers] = useState<SeededUser[]>([]);
  const [problem, setProblem] = useState<string | undefined>(props.problem);

  useEffect(() => {
    get<{ users: SeededUser[] }>('/dev/users').then(
      (answer) => setUsers(answer.users),
      () => setUsers([]),
    );
  }, []);

  const signIn = async (value: string) => {
    setProblem(undefined);
    try {
      await props.onToken(value.trim());
    } catch (error) {
      setProblem(error instanceof ApiError ? error.text(props.lang) : String(error));
    }
  };

  const asUser = async (user: SeededUser) => {
    setProblem(undefined);
    try {
      const answer = await post<{ token: string }>('/dev/tokens', user.actor);
      await signIn(answer.token);
    } catch (error) {
      setProblem(error instanceof ApiError ? error.text(props.lang) : String(error));
    }
  };

  const describe = (user: SeededUser) => {
    const where = user.actor.office ?? user.actor.country ?? user.actor.tin;
    return `${t(roleKey[user.actor.role] ?? 'roleOfficer')} — ${user.label}${where ? ` (${where})` : ''}`;
  };

  return (
    <main class="sign-in">
      <header class="sign-in-head">
        <h1>
          {t('appName')} <small>{t('appTagline')}</small>
        </h1>
        <button type="button" class="link" onClick={props.onLanguage}>
          {t('switchLanguage')}
        </button>
      </header>
      <h2>{t('signInTitle')}</h2>
      <p>{t('signInIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signIn(token);
        }}
      >
        <label class="field">
          <span>{t('tokenLabel')}</span>
          <textarea name="token" rows={3} value={token} onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" class="primary">
          {t('signIn')}
        </button>
      </form>
      {problem && (
        <p class="refusal" role="alert">
          {t('signInFailed')}
          {colon}
          {problem}
        </p>
      )}
      {users.length > 0 && (
        <section class="dev-users">
          <h3>{t('devUsers')}</h3>
          <ul>
            {users.map((user) => (
              <li key={describe(user)}>
                <button
                  type="button"
                  class="link"
                  data-user={
                    user.actor.role === 'collector'
                      ? `collector-${user.actor.country}`
                      : (user.actor.office ?? user.actor.country ?? user.actor.tin ?? user.actor.role)
                  }
                  onClick={() => void asUser(user)}
                >
                  {describe(user)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
