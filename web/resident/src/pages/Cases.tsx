import { Button, Empty, List, Tag } from 'antd-mobile';
import { api, type MyCase } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { navigate } from '../lib/router';
import { useLoad } from '../lib/useLoad';
import { Loading } from '../components/Loading';

type Page = { items: MyCase[]; nextCursor: string | null };
const DONE = new Set(['closed', 'evaluated', 'rejected', 'merged']);

/** The resident's own reports, newest first; the server words their state. */
export default function Cases() {
  const { t, lang } = usePrefs();
  const { data, error, reload, setData } = useLoad(() => api.get<Page>('/api/my/cases?limit=20'), [lang]);
  if (!data) return <Loading error={error} retry={reload} />;
  if (!data.items.length) return <Empty description={t('cases.empty')} />;
  const more = async () => {
    const next = await api.get<Page>(`/api/my/cases?limit=20&cursor=${encodeURIComponent(data.nextCursor!)}`);
    setData({ items: [...data.items, ...next.items], nextCursor: next.nextCursor });
  };
  return (
    <>
      <List className="cases">
        {data.items.map((c) => (
          <List.Item
            key={c.id}
            onClick={() => navigate(`/cases/${c.id}`)}
            description={`${c.caseNo} · ${new Date(c.reportedAt).toLocaleDateString(lang)}`}
            extra={<Tag color={DONE.has(c.status) ? 'default' : 'primary'} fill="outline">{c.statusText}</Tag>}
            arrowIcon
          >
            {c.title}
          </List.Item>
        ))}
      </List>
      {data.nextCursor && <Button block fill="none" onClick={more}>{t('cases.more')}</Button>}
    </>
  );
}
