import { useState } from 'react';
import { Button, List, Tag, Toast } from 'antd-mobile';
import { api, errorText, type Home } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { PlacePicker } from './PlacePicker';

/** Where the resident lives: confirmed by community staff, or chosen here; notices and services follow it. */
export function HomePlace({ home, onChanged }: { home: Home | null; onChanged: (h: Home | null) => void }) {
  const { t } = usePrefs();
  const [picking, setPicking] = useState(false);
  return (
    <>
      <List header={t('homePlace.title')}>
        <List.Item
          description={home ? <Tag color={home.verified ? 'success' : 'default'} fill="outline">{t(home.verified ? 'homePlace.verified' : 'homePlace.declared')}</Tag> : t('homePlace.none')}
          extra={!home?.verified && <Button size="small" color="primary" fill="outline" onClick={() => setPicking(true)}>{t(home ? 'homePlace.change' : 'homePlace.choose')}</Button>}
        >
          {home ? `${home.communityName} · ${home.compoundName}${home.buildingNumber ? ` ${home.buildingNumber}` : ''}` : ''}
        </List.Item>
      </List>
      <PlacePicker
        visible={picking}
        onClose={() => setPicking(false)}
        onPick={async (p) => {
          setPicking(false);
          try {
            const r = await api.put<{ home: Home | null }>('/api/my/home', { compoundId: p.compoundId, ...(p.buildingId ? { buildingId: p.buildingId } : {}) });
            onChanged(r.home);
          } catch (e) {
            Toast.show({ content: errorText(e, t('networkError')) });
          }
        }}
      />
    </>
  );
}
