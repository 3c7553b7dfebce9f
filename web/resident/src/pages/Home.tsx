import { useEffect, useState } from 'react';
import { Badge, NoticeBar } from 'antd-mobile';
import { AddCircleOutline, MessageOutline, UnorderedListOutline } from 'antd-mobile-icons';
import type { OutboxNews } from '../App';
import { api } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { navigate } from '../lib/router';
import { PLUGINS, type Plugin } from '../plugins';
import type { Key } from '../i18n';

/** Big tiles: report, my reports, messages (with the unread count), then the plug-ins (notices, services …). */
export function Home({ news, onDismiss }: { news: OutboxNews; onDismiss: () => void }) {
  const { t } = usePrefs();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    // offline or signed out: no count rather than an error on the home screen
    api.get<{ unread: number }>('/api/notifications?unread=true&limit=1').then((r) => setUnread(r.unread), () => undefined);
  }, []);
  const tiles: { path: string; title: Key; hint: Key; icon: Plugin['icon']; primary?: boolean; count?: number }[] = [
    { path: '/report', title: 'home.report', hint: 'home.reportHint', icon: AddCircleOutline, primary: true },
    { path: '/cases', title: 'home.cases', hint: 'home.casesHint', icon: UnorderedListOutline },
    { path: '/messages', title: 'home.messages', hint: 'home.messagesHint', icon: MessageOutline, count: unread },
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
            <Badge content={x.count ? x.count : null} aria-label={x.count ? t('home.unread', { count: x.count }) : undefined}>
              <x.icon fontSize={36} aria-hidden />
            </Badge>
            <span className="tile-title">{t(x.title)}</span>
            <span className="tile-hint">{t(x.hint)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
