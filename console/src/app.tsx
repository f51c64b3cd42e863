// The console's shell: sign-in, who is signed in (role, office), the language, and the pages.
import type { ComponentType, JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, setToken } from './api.ts';
import { ConsoleContext, type Console } from './context.ts';
import { colonOf, countryName, roleKey, translate, type Lang } from './i18n.ts';
import { Desk } from './pages/Desk.tsx';
import { Overview } from './pages/Overview.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Transit } from './pages/Transit.tsx';
import { Transits } from './pages/Transits.tsx';
import { href, useLocation, type Location } from './route.ts';
import type { Me } from './types.ts';
import { Recoveries } from './pages/Recoveries.tsx';
import { Reconciliation } from './pages/Reconciliation.tsx';

const TOKEN = 'corridor.token';
const LANG = 'corridor.lang';

// The token lives for this tab only: officers share machines at the post.
const storedToken = () => sessionStorage.getItem(TOKEN) ?? undefined;
const storedLang = (): Lang => (localStorage.getItem(LANG) === 'en' ? 'en' : 'fr');

export function App() {
  const [lang, setLang] = useState<Lang>(storedLang);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [checking, setChecking] = useState(Boolean(storedToken()));
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [officeNames, setOfficeNames] = useState<Record<string, string>>({});
  const location = useLocation();

  // The document's language changes with the words, in the same frame (screen readers read by it).
  useLayoutEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LANG, lang);
  }, [lang]);

  const signIn = async (token: string) => {
    setToken(token);
    try {
      const [who, { offices }] = await Promise.all([get<Me>('/me'), get<{ offices: { code: string; name: string }[] }>('/offices')]);
      sessionStorage.setItem(TOKEN, token);
      setOfficeNames(Object.fromEntries(offices.map((o) => [o.code, o.name])));
      setMe(who);
    } catch (error) {
      setToken(undefined);
      sessionStorage.removeItem(TOKEN);
      throw error;
    }
  };

  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    signIn(token)
      .catch((error: unknown) => setProblem(error instanceof ApiError ? error.text(lang) : String(error)))
      .finally(() => setChecking(false));
  }, []);

  const signOut = () => {
    sessionStorage.removeItem(TOKEN);
    setToken(undefined);
    setMe(undefined);
    window.location.hash = '';
  };
  const toggleLang = () => setLang(lang === 'fr' ? 'en' : 'fr');

  const context = useMemo<Console | undefined>(
    () => (me ? { lang, t: (key) => translate(lang, key), colon: colonOf(lang), me, officeNames } : undefined),
    [lang, me, officeNames],
  );

  if (checking) return <p class="muted">{translate(lang, 'loading')}</p>;
  if (!context) return <SignIn lang={lang} onToken={signIn} onLanguage={toggleLang} {...(problem ? { problem } : {})} />;

  const { t } = context;
  const who = me!;
  const where = who.office ? `${who.officeName ?? who.office} (${who.office})` : who.country ? countryName(who.country, lang) : who.tin ? `NIF ${who.tin}` : '';
  const page = pageFor(location, who, lang);

  return (
    <ConsoleContext.Provider value={context}>
      <header class="top">
        <a class="brand" href="#/">
          {t('appName')} <small>{t('appTagline')}</small>
        </a>
        <nav>
          {who.role !== 'declarant' && who.role !== 'collector' && (
            <a href={href('overview')} class={page.name === 'overview' ? 'active' : ''}>
              {t('navOverview')}
            </a>
          )}
          {who.role === 'officer' && (
            <a href={href('desk')} class={page.name === 'desk' ? 'active' : ''}>
              {t('navDesk')}
            </a>
          )}
          <a href={href('transits')} class={page.name === 'transits' || page.name === 'transit' ? 'active' : ''}>
            {t('navTransits')}
          </a>
          {(who.role === 'collector' || who.role === 'supervisor' || who.role === 'regional') && (
            <a href={href('recoveries')} class={page.name === 'recoveries' ? 'active' : ''}>
              {t('navRecoveries')}
            </a>
          )}
          {(who.role === 'supervisor' || who.role === 'regional') && (
            <a href={href('reconciliation')} class={page.name === 'reconciliation' ? 'active' : ''}>
              {t('navReconciliation')}
            </a>
          )}
          {who.role !== 'declarant' && who.role !== 'collector' && (
            <a href={href('indicators')} class={page.name === 'indicators' ? 'active' : ''}>
              {t('navIndicators')}
            </a>
          )}
        </nav>
        <div class="who" data-testid="who">
          <span class="user">{who.user}</span> · <span class="role">{t(roleKey[who.role] ?? 'roleOfficer')}</span>
          {where && <span class="where"> · {where}</span>}
        </div>
        <button type="button" class="link" data-testid="language" onClick={toggleLang}>
          {t('switchLanguage')}
        </button>
        <button type="button" class="link" onClick={signOut}>
          {t('signOut')}
        </button>
      </header>
      <main>{page.view}</main>
    </ConsoleContext.Provider>
  );
}

function pageFor(location: Location, me: Me, lang: Lang): { name: string; view: JSX.Element } {
  const [first, second] = location.path;
  const home = me.role === 'officer' ? 'desk' : me.role === 'declarant' ? 'transits' : me.role === 'collector' ? 'recoveries' : 'overview';
  const name = first ?? home;
  switch (name) {
    case 'overview':
      return { name, view: <Overview /> };
    case 'desk':
      return me.role === 'officer' ? { name, view: <Desk /> } : { name: 'overview', view: <Overview /> };
    case 'transits': {
      if (second) return { name: 'transit', view: <Transit key={second} mrn={second} /> };
      // A new set of filters is a new list (and a new paging history); a new page is not.
      const filters = new URLSearchParams(location.query);
      filters.delete('page');
      return { name, view: <Transits key={filters.toString()} location={location} /> };
    }
    case 'indicators':
      return { name, view: <LazyIndicators /> };
    case 'recoveries':
      return { name, view: <Recoveries /> };
    case 'reconciliation':
      return { name, view: <Reconciliation /> };
    default:
      return { name, view: <p class="muted">{translate(lang, 'notFound')}</p> };
  }
}

// The indicators page carries chart.js (two thirds of the console's code): loaded when opened,
// so the overview and the desks start without it.
function LazyIndicators() {
  const [Page, setPage] = useState<ComponentType | undefined>(undefined);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  useEffect(() => {
    import('./pages/Indicators.tsx').then(
      (module) => setPage(() => module.Indicators),
      (error: unknown) => setFailed(String(error)),
    );
  }, []);
  if (Page) return <Page />;
  return <p class="muted">{failed ?? '…'}</p>;
}
