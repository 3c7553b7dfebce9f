import { Button, List, Selector, Switch } from 'antd-mobile';
import { api } from '../lib/api';
import { LANGS } from '../i18n';
import { usePrefs } from '../lib/prefs';

/** Elderly mode, language, who is signed in, sign out. */
export default function Settings({ onSignedOut }: { onSignedOut: () => void }) {
  const { t, lang, setLang, elder, setElder } = usePrefs();
  const phone = localStorage.getItem('linli.m.phone');
  return (
    <>
      <List>
        <List.Item description={t('settings.elderHint')} extra={<Switch checked={elder} onChange={setElder} aria-label={t('settings.elder')} />}>
          {t('settings.elder')}
        </List.Item>
        <List.Item>
          <div className="label">{t('settings.language')}</div>
          <Selector columns={3} value={[lang]} options={LANGS.map((l) => ({ label: l.label, value: l.code }))} onChange={(v) => v[0] && setLang(v[0])} />
        </List.Item>
        {phone && <List.Item extra={phone}>{t('settings.phone')}</List.Item>}
      </List>
      <div className="pad">
        <Button block color="danger" fill="outline" size="large" onClick={async () => { await api.post('/api/auth/logout').catch(() => undefined); onSignedOut(); }}>
          {t('settings.signOut')}
        </Button>
      </div>
    </>
  );
}
