import { useEffect, useState } from 'react';
import { Button, List, Popup, SearchBar } from 'antd-mobile';
import { api } from '../lib/api';
import { usePrefs } from '../lib/prefs';

interface Compound { id: string; name: string; address: string; communityName: string; streetName: string }
export interface PickedPlace { compoundId: string; compoundName: string; buildingId?: string; buildingNumber?: string }

/** Compound (by name, or nearest to the phone's position) → building, in a bottom sheet. */
export function PlacePicker({ visible, onClose, onPick, requireBuilding }: { visible: boolean; onClose: () => void; onPick: (p: PickedPlace) => void; requireBuilding?: boolean }) {
  const { t } = usePrefs();
  const [q, setQ] = useState('');
  const [compounds, setCompounds] = useState<Compound[] | null>(null);
  const [compound, setCompound] = useState<Compound | null>(null);
  const [buildings, setBuildings] = useState<{ id: string; number: string }[] | null>(null);

  useEffect(() => {
    if (!visible) return;
    setCompound(null);
    setBuildings(null);
    // nearby compounds first, when the phone will say where it is
    navigator.geolocation?.getCurrentPosition(
      (pos) => void api.get<Compound[]>(`/api/my/compounds?lat=${pos.coords.latitude}&lng=${pos.coords.longitude}`).then((c) => !q && setCompounds(c)).catch(() => undefined),
      () => undefined,
      { timeout: 5000, maximumAge: 60_000 },
    );
  }, [visible]); // eslint-disable-line react-hooks/exhaustive-deps

  const search = async (text: string) => {
    setQ(text);
    if (!text.trim()) return;
    setCompounds(await api.get<Compound[]>(`/api/my/compounds?q=${encodeURIComponent(text.trim())}`).catch(() => []));
  };
  const choose = async (c: Compound) => {
    setCompound(c);
    setBuildings(await api.get<{ id: string; number: string }[]>(`/api/my/compounds/${c.id}/buildings`).catch(() => []));
  };

  return (
    <Popup visible={visible} onMaskClick={onClose} position="bottom" bodyClassName="sheet" destroyOnClose>
      {!compound ? (
        <>
          <SearchBar placeholder={t('place.search')} onSearch={search} onChange={(v) => void search(v)} aria-label={t('place.search')} />
          <List header={!q ? t('place.near') : undefined}>
            {compounds?.length === 0 && <List.Item>{t('place.empty')}</List.Item>}
            {compounds?.map((c) => (
              <List.Item key={c.id} description={`${c.streetName} · ${c.communityName} · ${c.address}`} onClick={() => void choose(c)} arrowIcon>
                {c.name}
              </List.Item>
            ))}
          </List>
        </>
      ) : (
        <List header={`${compound.name} · ${t('place.buildings')}`}>
          {!requireBuilding && (
            <List.Item onClick={() => onPick({ compoundId: compound.id, compoundName: compound.name })}>{t('place.noBuilding')}</List.Item>
          )}
          {buildings?.map((b) => (
            <List.Item key={b.id} onClick={() => onPick({ compoundId: compound.id, compoundName: compound.name, buildingId: b.id, buildingNumber: b.number })} arrowIcon>
              {b.number}
            </List.Item>
          ))}
        </List>
      )}
      <Button block fill="none" onClick={onClose}>{t('back')}</Button>
    </Popup>
  );
}
