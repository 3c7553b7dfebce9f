import { Button, Card, Empty, Tag } from 'antd-mobile';
import { PhoneFill } from 'antd-mobile-icons';
import { api, type Home } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { useLoad } from '../lib/useLoad';
import { Loading } from '../components/Loading';
import { HomePlace } from '../components/HomePlace';
import type { Key } from '../i18n';

interface Item { id: string; category: string; name: string; description: string; contactPhone: string | null; hours: string | null; orgName: string }

/** 群众点单: what the community (street, district) offers, with a call button; booking comes with the services module. */
export default function Services() {
  const { t, lang } = usePrefs();
  const { data, error, reload } = useLoad(() => api.get<{ home: Home | null; items: Item[] }>('/api/my/services'), [lang]);
  if (!data) return <Loading error={error} retry={reload} />;
  return (
    <>
      <HomePlace home={data.home} onChanged={() => reload()} />
      {data.home && !data.items.length && <Empty description={t('services.empty')} />}
      {data.items.map((s) => (
        <Card key={s.id} title={s.name} extra={<Tag fill="outline">{t(`services.category.${s.category}` as Key)}</Tag>} className="service">
          <p>{s.description}</p>
          {s.hours && <p className="muted">{t('services.hours', { hours: s.hours })}</p>}
          <p className="muted">{s.orgName}</p>
          {s.contactPhone && (
            <a href={`tel:${s.contactPhone}`} aria-label={`${t('services.call')} ${s.contactPhone}`}>
              <Button block color="primary" size="large"><PhoneFill aria-hidden /> {t('services.call')} {s.contactPhone}</Button>
            </a>
          )}
        </Card>
      ))}
    </>
  );
}
