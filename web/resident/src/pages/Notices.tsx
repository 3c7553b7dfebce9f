import { useState } from 'react';
import { Badge, Button, Empty, List, Popup, Tag } from 'antd-mobile';
import { api, type Home } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { useLoad } from '../lib/useLoad';
import { Loading } from '../components/Loading';
import { HomePlace } from '../components/HomePlace';
import type { Key } from '../i18n';

interface Notice { id: string; kind: string; title: string; body: string; important: boolean; orgName: string; publishedAt: string; readAt: string | null }
type Page = { home: Home | null; items: Notice[]; nextCursor: string | null };

/** 居务公开: the notices of the resident's community and compound; opening an important one asks for a read receipt. */
export default function Notices() {
  const { t, lang } = usePrefs();
  const { data, error, reload, setData } = useLoad(() => api.get<Page>('/api/my/notices'), [lang]);
  const [open, setOpen] = useState<Notice | null>(null);
  if (!data) return <Loading error={error} retry={reload} />;

  const markRead = async (n: Notice) => {
    await api.post(`/api/my/notices/${n.id}/read`);
    const readAt = new Date().toISOString();
    setData({ ...data, items: data.items.map((x) => (x.id === n.id ? { ...x, readAt } : x)) });
    setOpen({ ...n, readAt });
  };
  const show = (n: Notice) => {
    setOpen(n);
    // ordinary notices count as read when opened; important ones when the resident confirms
    if (!n.important && !n.readAt) void markRead(n).catch(() => undefined);
  };
  const more = async () => {
    const next = await api.get<Page>(`/api/my/notices?cursor=${encodeURIComponent(data.nextCursor!)}`);
    setData({ ...data, items: [...data.items, ...next.items], nextCursor: next.nextCursor });
  };

  return (
    <>
      <HomePlace home={data.home} onChanged={() => reload()} />
      {data.home && !data.items.length && <Empty description={t('notices.empty')} />}
      <List>
        {data.items.map((n) => (
          <List.Item
            key={n.id}
            onClick={() => show(n)}
            prefix={n.important && !n.readAt ? <Badge content={Badge.dot} /> : undefined}
            description={t('notices.from', { org: n.orgName, date: new Date(n.publishedAt).toLocaleDateString(lang) })}
            extra={<Tag fill="outline" color={n.important ? 'danger' : 'primary'}>{n.important ? t('notices.important') : t(`notices.kind.${n.kind}` as Key)}</Tag>}
            arrowIcon
          >
            {n.title}
          </List.Item>
        ))}
      </List>
      {data.nextCursor && <Button block fill="none" onClick={more}>{t('cases.more')}</Button>}
      <Popup visible={!!open} onMaskClick={() => setOpen(null)} bodyClassName="sheet notice" position="bottom" destroyOnClose>
        {open && (
          <article>
            <h2>{open.title}</h2>
            <p className="muted">{t(`notices.kind.${open.kind}` as Key)} · {t('notices.from', { org: open.orgName, date: new Date(open.publishedAt).toLocaleDateString(lang) })}</p>
            <div className="notice-body">{open.body}</div>
            {open.important && !open.readAt
              ? <Button block color="primary" size="large" onClick={() => void markRead(open)}>{t('notices.confirmRead')}</Button>
              : <Button block onClick={() => setOpen(null)}>{open.readAt ? `${t('notices.read')} · ${t('back')}` : t('back')}</Button>}
          </article>
        )}
      </Popup>
    </>
  );
}
