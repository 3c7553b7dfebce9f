import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { DotLoading, NavBar, NoticeBar, SafeArea, TabBar } from 'antd-mobile';
import { AddCircleOutline, AppOutline, SetOutline, UnorderedListOutline } from 'antd-mobile-icons';
import { api, configureApi } from './lib/api';
import { flushOutbox, foregroundKey, onOutboxResult, outbox } from './lib/outbox';
import { usePrefs } from './lib/prefs';
import { navigate, usePath } from './lib/router';
import { PLUGINS } from './plugins';
import { Login } from './pages/Login';
import { Home } from './pages/Home';

// the first screen is sign-in or home; every other page is loaded when first opened
const Report = lazy(() => import('./pages/Report'));
const Cases = lazy(() => import('./pages/Cases'));
const CaseDetail = lazy(() => import('./pages/CaseDetail'));
const Settings = lazy(() => import('./pages/Settings'));
import type { Key } from './i18n';

type Session = { kind: 'resident'; id: string } | null | undefined;

/** Messages about reports sent from the outbox, shown until dismissed. */
export interface OutboxNews { waiting: number; sent: string[]; failed: string[] }

const TABS: { path: string; title: Key; icon: typeof AppOutline }[] = [
  { path: '/', title: 'tabs.home', icon: AppOutline },
  { path: '/report', title: 'tabs.report', icon: AddCircleOutline },
  { path: '/cases', title: 'tabs.cases', icon: UnorderedListOutline },
  { path: '/settings', title: 'tabs.more', icon: SetOutline },
];

export function App() {
  const { t } = usePrefs();
  const path = usePath();
  const [session, setSession] = useState<Session>(undefined);
  const [online, setOnline] = useState(navigator.onLine);
  const [news, setNews] = useState<OutboxNews>({ waiting: 0, sent: [], failed: [] });

  useEffect(() => {
    configureApi({ onSignedOut: () => setSession(null) });
    api.get<{ kind: string; id: string }>('/api/auth/me')
      .then((me) => setSession(me.kind === 'resident' ? { kind: 'resident', id: me.id } : null))
      // offline at start: let the resident write a report; it is sent after signing in
      .catch(() => setSession(navigator.onLine ? null : { kind: 'resident', id: 'offline' }));
  }, []);

  const flush = useCallback(async () => {
    await flushOutbox();
    const waiting = (await outbox.list()).length;
    setNews((n) => ({ ...n, waiting }));
  }, []);

  // reports sent in the background (the report page itself shows the one it is sending)
  useEffect(() => onOutboxResult((entry, result) => {
    if (entry.key === foregroundKey.current) return;
    setNews((n) => ('caseNo' in result ? { ...n, sent: [...n.sent, result.caseNo] } : { ...n, failed: [...n.failed, result.message] }));
  }), []);

  useEffect(() => {
    const on = () => { setOnline(true); void flush(); };
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    window.addEventListener('linli:outbox', flush);
    // a phone may not say when the network came back: try now and then as well
    const timer = setInterval(() => navigator.onLine && void flush(), 30_000);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
      window.removeEventListener('linli:outbox', flush);
      clearInterval(timer);
    };
  }, [flush]);

  useEffect(() => {
    if (session && session.id !== 'offline') void flush();
  }, [session, flush]);

  if (session === undefined) return <div className="center"><DotLoading /></div>;
  if (session === null) return <Login onSignedIn={(id) => setSession({ kind: 'resident', id })} />;

  const plugin = PLUGINS.find((p) => p.path === path);
  const caseId = /^\/cases\/([0-9a-f-]{36})$/.exec(path)?.[1];
  const tab = TABS.find((x) => x.path === path)?.path;
  let page;
  if (plugin) page = <plugin.page />;
  else if (caseId) page = <CaseDetail id={caseId} />;
  else if (path === '/report') page = <Report />;
  else if (path === '/cases') page = <Cases />;
  else if (path === '/settings') page = <Settings onSignedOut={() => setSession(null)} />;
  else page = <Home news={news} onDismiss={() => setNews({ waiting: news.waiting, sent: [], failed: [] })} />;
  const title = plugin ? t(plugin.title) : caseId ? t('cases.title') : t(TABS.find((x) => x.path === path)?.title ?? 'appName');

  return (
    <div className="app">
      <NavBar className="top" backIcon={tab ? false : undefined} back={tab ? null : t('back')} onBack={() => history.back()}>{title}</NavBar>
      {!online && <NoticeBar content={t('offline')} color="alert" wrap />}
      <main className="content">
        <Suspense fallback={<div className="center"><DotLoading /></div>}>{page}</Suspense>
      </main>
      <TabBar className="tabs" activeKey={tab ?? (caseId ? '/cases' : '/')} onChange={(k) => navigate(k)}>
        {TABS.map((x) => <TabBar.Item key={x.path} icon={<x.icon aria-hidden />} title={t(x.title)} aria-label={t(x.title)} />)}
      </TabBar>
      <SafeArea position="bottom" />
    </div>
  );
}
