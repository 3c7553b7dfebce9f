import { useEffect } from 'react';
import { Badge, Empty, List } from 'antd-mobile';
import { api } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { navigate } from '../lib/router';
import { useLoad } from '../lib/useLoad';
import { Loading } from '../components/Loading';

export interface Notification { id: string; caseId: string | null; text: string; createdAt: string; readAt: string | null }

/** What happened to the resident's reports, newest unread first; opening the page marks them read. */
export default function Messages() {
  const { t, lang } = usePrefs();
  const { data, error, reload } = useLoad(() => api.get<{ unread: number; items: Notification[] }>('/api/notifications?limit=100'), [lang]);
  useEffect(() => {
    if (data?.unread) void api.post('/api/notifications/read', { all: true }).catch(() => undefined);
  }, [data]);
  if (!data) return <Loading error={error} retry={reload} />;
  if (!data.items.length) return <Empty description={t('messages.empty')} />;
  return (
    <List className="messages">
      {data.items.map((n) => (
        <List.Item
          key={n.id}
          onClick={n.caseId ? () => navigate(`/cases/${n.caseId}`) : undefined}
          arrowIcon={!!n.caseId}
          description={new Date(n.createdAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })}
          prefix={n.readAt ? undefined : <Badge content={Badge.dot} aria-label={t('messages.unread')} />}
        >
          <span className={n.readAt ? undefined : 'unread'}>{n.text}</span>
        </List.Item>
      ))}
    </List>
  );
}
