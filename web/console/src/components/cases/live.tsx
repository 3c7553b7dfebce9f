import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Badge, Button, Flex, Switch, Tooltip } from 'antd';
import { BellOutlined, SoundOutlined } from '@ant-design/icons';

export interface LiveNotice {
  id: string;
  caseId: string | null;
  kind: string;
  text: string;
  createdAt: string;
}

const SOUND_KEY = 'linli.queueSound';

/** A short two-tone chime made on the spot (no sound file to ship or fetch). */
function chime() {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  [880, 1320].forEach((hz, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.15, ctx.currentTime + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.18 + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + i * 0.18);
    osc.stop(ctx.currentTime + i * 0.18 + 0.17);
  });
  setTimeout(() => void ctx.close(), 600);
}

/**
 * New work as it happens: the server's event stream (GET /api/events/stream) of the caller's
 * notifications. Each one counts on the badge, shows a short message, chimes when the sound is on,
 * and calls onNotice (the queue reloads). The browser reconnects by itself after a network break.
 */
export function useLiveNotices(onNotice: (n: LiveNotice) => void) {
  const [unseen, setUnseen] = useState(0);
  const [sound, setSoundState] = useState(() => localStorage.getItem(SOUND_KEY) === '1');
  const [connected, setConnected] = useState(false);
  const handler = useRef(onNotice);
  handler.current = onNotice;
  const soundRef = useRef(sound);
  soundRef.current = sound;
  const { notification } = App.useApp();

  useEffect(() => {
    const es = new EventSource('/api/events/stream', { withCredentials: true });
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.addEventListener('notification', (e) => {
      let n: LiveNotice;
      try {
        n = JSON.parse((e as MessageEvent<string>).data) as LiveNotice;
      } catch {
        return;
      }
      setUnseen((x) => x + 1);
      notification.info({ message: n.text, placement: 'bottomRight', duration: 6, key: n.id });
      if (soundRef.current) chime();
      handler.current(n);
    });
    return () => es.close();
  }, [notification]);

  const setSound = (on: boolean) => {
    localStorage.setItem(SOUND_KEY, on ? '1' : '0');
    setSoundState(on);
    if (on) chime();
  };
  return { unseen, clear: () => setUnseen(0), sound, setSound, connected };
}

/** The badge of new arrivals and the sound switch, for a queue's toolbar. */
export function LiveControls({ live, onShow }: { live: ReturnType<typeof useLiveNotices>; onShow: () => void }) {
  const { t } = useTranslation();
  return (
    <Flex gap={12} align="center">
      <Tooltip title={live.connected ? t('work.live.connected') : t('work.live.disconnected')}>
        <Badge count={live.unseen} size="small" data-testid="live-badge">
          <Button
            icon={<BellOutlined />}
            onClick={() => {
              live.clear();
              onShow();
            }}
          >
            {t('work.live.new')}
          </Button>
        </Badge>
      </Tooltip>
      <Flex gap={6} align="center">
        <SoundOutlined />
        <Switch size="small" checked={live.sound} onChange={live.setSound} aria-label={t('work.live.sound')} data-testid="sound-toggle" />
        <span className="hide-narrow">{t('work.live.sound')}</span>
      </Flex>
    </Flex>
  );
}
