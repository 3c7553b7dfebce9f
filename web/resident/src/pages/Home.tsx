import { NoticeBar } from 'antd-mobile';
import { AddCircleOutline, UnorderedListOutline } from 'antd-mobile-icons';
import type { OutboxNews } from '../App';
import { usePrefs } from '../lib/prefs';
import { navigate } from '../lib/router';
import { PLUGINS, type Plugin } from '../plugins';
import type { Key } from '../i18n';

/** Big tiles: report, my reports, then the plug-ins (notices, services …). */
export function Home({ news, onDismiss }: { news: OutboxNews; onDismiss: () => void }) {
  const { t } = usePrefs();
  const tiles: { path: string; title: Key; hint: Key; icon: Plugin['icon']; primary?: boolean }[] = [
    { path: '/report', title: 'home.report', hint: 'home.reportHint', icon: AddCircleOutline, primary: true },
    { path: '/cases', title: 'home.cases', hint: 'home.casesHint', icon: UnorderedListOutline },
    ...PLUGINS,
  ];
  return (
    <div className="home">
      {news.waiting > 0 && <NoticeBar content={t('home.waiting', { count: news.waiting })} color="info" wrap />}
      {news.sent.map((no) => <NoticeBar key={no} className="sent" content={t('home.sentOk', { caseNo: no })} color="success" closeable onClose={onDismiss} wrap />)}
      {news.failed.map((m, i) => <NoticeBar key={i} content={t('home.sendFailed', { message: m })} color="alert" closeable onClose={onDismiss} wrap />)}
      <div className="tiles">
        {tiles.map((x) => (
          <button key={x.path} type="button" className={`tile${x.primary ? ' primary' : ''}`} onClick={() => navigate(x.path)}>
            <x.icon fontSize={36} aria-hidden />
            <span className="tile-title">{t(x.title)}</span>
            <span className="tile-hint">{t(x.hint)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
