import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Space, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { CaseState, Clock, TaxonomyTop } from '../../api/cases';
import { i18next } from '../../i18n';
import { usePreferences } from '../../app/preferences';

const labelOr = (key: string, fallback: string) => (i18next.exists(key) ? i18next.t(key) : fallback);
export const statusLabel = (s: string) => labelOr(`work.status.${s}`, s);
export const actionLabel = (a: string) => labelOr(`work.action.${a}`, a);
export const eventLabel = (e: string) => labelOr(`work.event.${e}`, labelOr(`work.action.${e}`, e));
export const deadlineLabel = (k: string) => labelOr(`work.deadline.${k}`, k);
export const clockLabel = (c: string) => labelOr(`work.clock.${c}`, c);
export const channelLabel = (c: string) => labelOr(`work.channel.${c}`, c);
export const typeLabel = (c: string) => labelOr(`work.type.${c}`, c);
export const satisfactionLabel = (c: string) => labelOr(`work.satisfaction.${c}`, c);
export const fmt = (at: string | null | undefined) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '');

const STATUS_COLOR: Record<CaseState, string> = {
  reported: 'gold', registered: 'blue', dispatched: 'geekblue', accepted: 'cyan', handled: 'purple', verified: 'lime',
  closed: 'green', evaluated: 'green', parked: 'default', merged: 'default', rejected: 'default',
};
/** The state as a coloured tag; `overdue` adds a red 超期 tag. */
export function StatusTag({ status, overdue }: { status: string; overdue?: boolean }) {
  const tag = <Tag color={STATUS_COLOR[status as CaseState] ?? 'default'} data-testid="status-tag">{statusLabel(status)}</Tag>;
  if (!overdue) return tag;
  return (
    <Space size={4}>
      {tag}
      <Tag color="error">{i18next.t('work.overdue')}</Tag>
    </Space>
  );
}

/** Category names in the UI language, from GET /api/taxonomy (once per page load). */
let taxonomy: Promise<TaxonomyTop[]> | null = null;
export function useTaxonomy() {
  const { language } = usePreferences();
  const [tops, setTops] = useState<TaxonomyTop[]>([]);
  useEffect(() => {
    taxonomy ??= api.get<TaxonomyTop[]>('/api/taxonomy').catch((e) => {
      taxonomy = null;
      throw e;
    });
    let live = true;
    taxonomy.then((t) => live && setTops(t)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const top of tops) {
      names.set(top.code, top.name[language]);
      for (const c of top.children) names.set(c.code, c.name[language]);
    }
    const name = (code: string | null | undefined) => (code ? names.get(code) ?? code : '');
    const topOptions = tops.filter((t) => t.active).map((t) => ({ value: t.code, label: t.name[language] }));
    const tree = tops.filter((t) => t.active).map((t) => ({
      value: t.code, title: t.name[language],
      children: t.children.filter((c) => c.active).map((c) => ({ value: c.code, title: c.name[language] })),
    }));
    return { tops, name, topOptions, tree };
  }, [tops, language]);
}

/** "2 h 15 min" in the UI language, from minutes. */
export function duration(minutes: number, dayMinutes?: number): string {
  const t = i18next.t.bind(i18next);
  if (dayMinutes && minutes >= dayMinutes) {
    const d = Math.floor(minutes / dayMinutes);
    const h = Math.floor((minutes % dayMinutes) / 60);
    return h ? t('work.time.dh', { d, h }) : t('work.time.d', { d });
  }
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h >= 48 && !dayMinutes) return t('work.time.d', { d: Math.floor(h / 24) });
  return h ? t('work.time.hm', { h, m }) : t('work.time.m', { m });
}

/**
 * Time left on a clock: working time for working-hour and working-day clocks (what the SLA counts),
 * red once overdue, orange inside the warning window.
 */
export function Countdown({ clock, dayMinutes }: { clock: Clock | undefined; dayMinutes: number }) {
  const { t } = useTranslation();
  if (!clock) return null;
  const overdue = clock.overdueMinutes > 0;
  const text = overdue
    ? t('work.countdown.overdue', { time: duration(clock.overdueMinutes) })
    : t(clock.workingTime ? 'work.countdown.leftWorking' : 'work.countdown.left', { time: duration(clock.remainingMinutes, clock.clock === 'work_days' ? dayMinutes : undefined) });
  return (
    <Tooltip title={`${deadlineLabel(clock.kind)} · ${clockLabel(clock.clock)} · ${t('work.countdown.due', { at: fmt(clock.dueAt) })}`}>
      <Typography.Text type={overdue ? 'danger' : clock.warning ? 'warning' : undefined} strong={overdue || clock.warning} data-testid={overdue ? 'countdown-overdue' : 'countdown'}>
        {text}
      </Typography.Text>
    </Tooltip>
  );
}

/** The clock a queue row is about: the handling clock, else the response clock, else the soonest. */
export function mainClock(items: Clock[] | undefined): Clock | undefined {
  if (!items?.length) return undefined;
  return items.find((c) => c.kind === 'handle') ?? items.find((c) => c.kind === 'response') ?? items[0];
}
