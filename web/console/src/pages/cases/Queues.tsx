import { useCallback, useEffect, useMemo, useRef, useState, type ComponentType, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Checkbox, Dropdown, Flex, Input, Modal, Radio, Segmented, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableProps } from 'antd';
import { DeleteOutlined, DownloadOutlined, ReloadOutlined, SaveOutlined, SendOutlined, StarOutlined } from '@ant-design/icons';
import { ApiError, api, newIdempotencyKey } from '../../api/client';
import {
  act, classify, getClocks, getHandlers, getWatch, listCases,
  type CaseQuery, type CaseSummary, type Clock, type Handler, type QueueFilters, type SavedView, type Suggestion, type Watch,
} from '../../api/cases';
import { PageLayout } from '../../components/PageLayout';
import { downloadXlsx, type CellValue } from '../../components/exportXlsx';
import { Countdown, StatusTag, deadlineLabel, duration, fmt, mainClock, statusLabel, useTaxonomy } from '../../components/cases/common';
import { LiveControls, useLiveNotices } from '../../components/cases/live';
import { holds, useMe } from '../../app/session';

type QueueKind = 'dispatch' | 'handle' | 'verify' | 'watch';

/** A tab of a queue: which cases it lists (or which part of the watch list). */
interface Preset {
  key: string;
  label: string;
  status?: string;
  sort?: 'due' | 'reported';
  watch?: 'overdue' | 'at_risk' | 'whistles';
  /** whistles addressed to the caller's own unit (a department's check-ins) */
  ownWhistles?: boolean;
  /** rows can be selected and dispatched together */
  bulk?: boolean;
  permission?: string | string[];
}

const PAGE = 50;

function presetsFor(kind: QueueKind, t: (k: string) => string): Preset[] {
  switch (kind) {
    case 'dispatch':
      return [
        { key: 'new', label: t('work.queue.new'), status: 'reported', bulk: true },
        { key: 'toDispatch', label: t('work.queue.toDispatch'), status: 'registered', bulk: true },
        { key: 'toClose', label: t('work.queue.toClose'), status: 'verified' },
        { key: 'open', label: t('work.queue.open'), status: 'dispatched,accepted,handled,parked', sort: 'due' },
      ];
    case 'handle':
      return [
        { key: 'toAccept', label: t('work.queue.toAccept'), status: 'dispatched', sort: 'due', permission: 'case.handle' },
        { key: 'doing', label: t('work.queue.doing'), status: 'accepted', sort: 'due', permission: 'case.handle' },
        { key: 'checkIn', label: t('work.queue.checkIn'), watch: 'whistles', ownWhistles: true, permission: 'case.check_in' },
      ];
    case 'verify':
      return [{ key: 'toVerify', label: t('work.queue.toVerify'), status: 'handled' }];
    case 'watch':
      return [
        { key: 'overdue', label: t('work.queue.overdue'), watch: 'overdue' },
        { key: 'atRisk', label: t('work.queue.atRisk'), watch: 'at_risk' },
        { key: 'whistles', label: t('work.queue.whistles'), watch: 'whistles' },
      ];
  }
}

/** One row of any queue: a case, or an entry of the watch list pointing at a case. */
interface Row {
  key: string;
  caseId: string;
  caseNo: string;
  title: string;
  status: string;
  category: string;
  priority: string;
  overdue: boolean;
  summary?: CaseSummary;
  /** watch list: what is at risk, whose clock, until when */
  watchKind?: string;
  watchOrg?: string;
  watchDue?: string;
  watchOverdue?: boolean;
  whistler?: string;
}

function fromSummary(c: CaseSummary): Row {
  return { key: c.id, caseId: c.id, caseNo: c.caseNo, title: c.title, status: c.status, category: c.category, priority: c.priority, overdue: c.overdue, summary: c };
}

function fromWatch(w: Watch, preset: Preset, orgId: string): Row[] {
  if (preset.watch === 'whistles') {
    return w.whistles
      .filter((x) => !preset.ownWhistles || x.orgId === orgId)
      .map((x) => ({
        key: x.callId, caseId: x.caseId, caseNo: x.caseNo, title: x.title, status: x.status, category: x.category, priority: x.priority,
        overdue: x.overdue, watchKind: 'whistle_checkin', watchOrg: x.orgName, watchDue: x.dueAt, watchOverdue: x.overdue, whistler: x.whistlerName,
      }));
  }
  return w.deadlines
    .filter((d) => d.risk === preset.watch)
    .map((d) => ({
      key: `${d.caseId}:${d.kind}:${d.orgId}`, caseId: d.caseId, caseNo: d.caseNo, title: d.title, status: d.status, category: d.category, priority: d.priority,
      overdue: d.risk === 'overdue', watchKind: d.kind, watchOrg: d.orgName, watchDue: d.dueAt, watchOverdue: d.risk === 'overdue',
    }));
}

/** A role's work queue: tabs, filters, search, saved views, live arrivals, countdowns, bulk dispatch, export. */
function Queue({ kind }: { kind: QueueKind }) {
  const { t } = useTranslation();
  const me = useMe();
  const { message, modal } = App.useApp();
  const tax = useTaxonomy();
  const presets = useMemo(() => presetsFor(kind, t).filter((p) => holds(me, p.permission)), [kind, t, me]);
  const [presetKey, setPresetKey] = useState(presets[0]?.key);
  const preset = presets.find((p) => p.key === presetKey) ?? presets[0];
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [rows, setRows] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [clocks, setClocks] = useState<{ byCase: Map<string, Clock[]>; dayMinutes: number }>({ byCase: new Map(), dayMinutes: 450 });
  const [suggestions, setSuggestions] = useState<Map<string, Suggestion>>(new Map());
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkOpen, setBulkOpen] = useState(false);
  const seq = useRef(0);
  const screen = `queue.${kind}`;

  const query = useCallback(
    (after?: string): CaseQuery => ({
      status: preset?.status,
      sort: preset?.sort,
      // a unit's own queue: cases it holds (or dispatches) now, not those it held before
      orgId: kind === 'handle' || kind === 'dispatch' ? me.orgId : undefined,
      q: q.trim() || undefined,
      category,
      overdue: overdueOnly || undefined,
      cursor: after,
      limit: PAGE,
    }),
    [preset, kind, me.orgId, q, category, overdueOnly],
  );

  const loadClocks = async (ids: string[], mine: number) => {
    if (!ids.length) return;
    const r = await getClocks(ids.slice(0, 200));
    if (mine !== seq.current) return;
    setClocks((prev) => {
      const byCase = new Map(prev.byCase);
      for (const id of ids) byCase.delete(id);
      for (const c of r.items) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
      return { byCase, dayMinutes: r.dayMinutes };
    });
  };

  /**
   * Unclassified new reports get the classifier's suggestion (the queue shows it next to the category).
   * A case is asked about once per visit: its title does not change, and every reload (a live arrival,
   * a tab, a filter) asking again for each row would use up the classify rate limit the intake form
   * also needs. A failed ask is tried again on the next load.
   */
  const classified = useRef(new Set<string>());
  const suggest = async (list: Row[]) => {
    const todo = list.filter((r) => r.category === 'other' && (r.status === 'reported' || r.status === 'registered') && !classified.current.has(r.caseId));
    for (const r of todo) classified.current.add(r.caseId);
    const found = await Promise.all(
      todo.map((r) =>
        classify(r.title)
          .then((s) => [r.caseId, s.suggestions[0]] as const)
          .catch(() => {
            classified.current.delete(r.caseId);
            return null;
          }),
      ),
    );
    // kept even when a newer load has started: a suggestion belongs to its case, not to a load
    setSuggestions((prev) => new Map([...prev, ...found.filter((x): x is readonly [string, Suggestion] => !!x && !!x[1])]));
  };

  const load = useCallback(
    async (more = false) => {
      if (!preset) return;
      const mine = ++seq.current;
      setLoading(true);
      try {
        let list: Row[];
        let next: string | null = null;
        if (preset.watch) {
          const w = await getWatch();
          const term = q.trim();
          list = fromWatch(w, preset, me.orgId).filter(
            (r) => (!term || r.title.includes(term) || r.caseNo === term) && (!category || r.category.split('.')[0] === category),
          );
        } else {
          const r = await listCases(query(more ? cursor ?? undefined : undefined));
          list = r.items.map(fromSummary);
          next = r.nextCursor;
        }
        if (mine !== seq.current) return;
        setRows((prev) => (more ? [...prev, ...list] : list));
        setCursor(next);
        setError(null);
        if (!more) setSelected([]);
        void loadClocks(list.map((r) => r.caseId), mine).catch(() => undefined);
        if (kind === 'dispatch') void suggest(list);
      } catch (e) {
        if (mine === seq.current) setError(e instanceof ApiError ? e.message : String(e));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [preset, query, cursor, q, category, me.orgId, kind],
  );

  // reload when the tab or a filter (other than the search box, which waits for Enter) changes
  useEffect(() => {
    void load(false);
  }, [presetKey, category, overdueOnly]);

  // countdowns move on: the clocks are asked again every minute
  useEffect(() => {
    const timer = setInterval(() => void loadClocks(rows.map((r) => r.caseId), seq.current).catch(() => undefined), 60_000);
    return () => clearInterval(timer);
  }, [rows]);

  const live = useLiveNotices(() => void load(false));

  /* ---- saved views ---- */
  const [views, setViews] = useState<SavedView[]>([]);
  const loadViews = useCallback(() => api.get<SavedView[]>('/api/saved-views', { screen }).then(setViews).catch(() => undefined), [screen]);
  useEffect(() => {
    void loadViews();
  }, [loadViews]);
  const applyView = (v: SavedView) => {
    const p = presets.find((x) => x.status === v.filters.status) ?? presets[0];
    setPresetKey(p.key);
    setQ(v.filters.q ?? '');
    setCategory(v.filters.category);
    setOverdueOnly(!!v.filters.overdue);
    // the search text is not a trigger of its own: load once the state has settled
    setTimeout(() => void load(false), 0);
  };
  const saveView = () => {
    let name = '';
    const key = newIdempotencyKey();
    const filters: QueueFilters = { ...(preset?.status ? { status: preset.status } : {}), ...(q.trim() ? { q: q.trim() } : {}), ...(category ? { category } : {}), ...(overdueOnly ? { overdue: true } : {}) };
    modal.confirm({
      title: t('work.views.saveTitle'),
      icon: <StarOutlined />,
      content: <Input autoFocus maxLength={40} placeholder={t('work.views.namePlaceholder')} onChange={(e) => (name = e.target.value)} data-testid="view-name" />,
      okText: t('common.save'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.post('/api/saved-views', { screen, name, filters }, { idempotencyKey: key });
          message.success(t('work.views.saved', { name }));
          await loadViews();
        } catch (e) {
          message.error(e instanceof ApiError ? Object.values(e.fields)[0] ?? e.message : String(e));
          throw e;
        }
      },
    });
  };
  const deleteView = async (v: SavedView) => {
    await api.delete(`/api/saved-views/${v.id}`);
    message.success(t('work.views.deleted', { name: v.name }));
    await loadViews();
  };

  /* ---- columns ---- */
  const clockOf = (r: Row) => mainClock(clocks.byCase.get(r.caseId));
  const columns: { key: string; title: string; render: (r: Row) => ReactNode; value: (r: Row) => CellValue; width?: number }[] = [
    { key: 'caseNo', title: t('work.field.caseNo'), width: 170, value: (r) => r.caseNo, render: (r) => <Link to={`/cases/${r.caseId}`} className="nowrap" data-testid="case-link">{r.caseNo}</Link> },
    {
      key: 'title', title: t('work.field.title'), value: (r) => r.title,
      render: (r) => (
        <Space size={4}>
          {r.priority === 'urgent' && <Tag color="red">{t('work.priority.urgent')}</Tag>}
          <Typography.Text ellipsis style={{ maxWidth: 280 }}>{r.title}</Typography.Text>
        </Space>
      ),
    },
    {
      key: 'category', title: t('work.field.category'), value: (r) => tax.name(r.category),
      render: (r) => {
        const s = suggestions.get(r.caseId);
        return (
          <Space size={4} wrap>
            <span>{tax.name(r.category)}</span>
            {s && (
              <Tooltip title={t('work.suggest.why', { terms: s.terms.join('、') || '—' })}>
                <Tag color="processing" data-testid="category-suggestion">{t('work.suggest.tag', { name: tax.name(s.subCategory ?? s.category), p: Math.round(s.confidence * 100) })}</Tag>
              </Tooltip>
            )}
          </Space>
        );
      },
    },
    {
      key: 'status', title: t('work.field.status'), value: (r) => statusLabel(r.status),
      render: (r) => <StatusTag status={r.status} overdue={r.overdue} />,
    },
  ];
  // the watch list's rows carry their own clock (below); the queues ask for the open clocks
  if (!preset?.watch) columns.push({
    key: 'countdown', title: t('work.field.timeLeft'), width: 170,
    value: (r) => {
      const c = clockOf(r);
      return c ? (c.overdueMinutes > 0 ? -c.overdueMinutes : c.remainingMinutes) : null;
    },
    render: (r) => <Countdown clock={clockOf(r)} dayMinutes={clocks.dayMinutes} />,
  });
  if (preset?.watch) {
    columns.push(
      {
        key: 'due', title: t('work.field.due'), value: (r) => (r.watchDue ? new Date(r.watchDue) : null),
        render: (r) => (
          <Typography.Text type={r.watchOverdue ? 'danger' : 'warning'} strong>
            {fmt(r.watchDue)}
            {r.watchOverdue && r.watchDue && ` · ${t('work.countdown.overdue', { time: duration(Math.max(0, Math.floor((Date.now() - new Date(r.watchDue).getTime()) / 60_000))) })}`}
          </Typography.Text>
        ),
      },
      { key: 'watchKind', title: t('work.field.clock'), value: (r) => deadlineLabel(r.watchKind ?? ''), render: (r) => deadlineLabel(r.watchKind ?? '') },
      { key: 'watchOrg', title: t('work.field.responsible'), value: (r) => r.watchOrg, render: (r) => r.watchOrg },
      ...(preset.watch === 'whistles' ? [{ key: 'whistler', title: t('work.field.whistler'), value: (r: Row) => r.whistler, render: (r: Row) => r.whistler }] : []),
    );
  } else {
    if (kind !== 'handle') columns.push({
      key: 'unit', title: kind === 'dispatch' && (preset?.status === 'reported' || preset?.status === 'registered') ? t('work.field.suggestedUnit') : t('work.field.unit'),
      value: (r) => r.summary?.assignedOrgName, render: (r) => r.summary?.assignedOrgName ?? '—',
    });
    columns.push({ key: 'address', title: t('work.field.address'), value: (r) => r.summary?.address, render: (r) => <Typography.Text ellipsis style={{ maxWidth: 200 }}>{r.summary?.address ?? ''}</Typography.Text> });
    columns.push({ key: 'reportedAt', title: t('work.field.reportedAt'), width: 150, value: (r) => (r.summary ? new Date(r.summary.reportedAt) : null), render: (r) => fmt(r.summary?.reportedAt) });
  }

  const tableColumns: TableProps<Row>['columns'] = columns.map((c) => ({ key: c.key, title: c.title, width: c.width, render: (_: unknown, r: Row) => c.render(r) }));
  const isLate = (r: Row) => r.overdue || (clockOf(r)?.overdueMinutes ?? 0) > 0;

  const doExport = async () => {
    const name = t(`work.screen.${kind}`);
    await downloadXlsx(name, name, columns.map((c) => c.title), rows.map((r) => columns.map((c) => c.value(r))));
    message.success(t('table.exported', { count: rows.length }));
  };

  if (!preset) return <PageLayout><Alert type="info" title={t('work.queue.none')} /></PageLayout>;
  return (
    <PageLayout
      description={t(`work.queue.${kind}Hint`)}
      actions={<LiveControls live={live} onShow={() => void load(false)} />}
    >
      <Flex vertical gap={12}>
        <Segmented
          value={presetKey}
          onChange={(v) => setPresetKey(String(v))}
          options={presets.map((p) => ({ value: p.key, label: p.label }))}
          data-testid="queue-tabs"
        />
        <Flex wrap gap={8} align="center" className="queue-filters">
          <Input.Search
            allowClear
            placeholder={t('work.filter.search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={() => void load(false)}
            style={{ width: 280 }}
            data-testid="queue-search"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('work.filter.category')}
            options={tax.topOptions}
            value={category}
            onChange={setCategory}
            style={{ width: 180 }}
            popupMatchSelectWidth={false}
          />
          {!preset.watch && (
            <Checkbox checked={overdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)}>
              {t('work.filter.overdueOnly')}
            </Checkbox>
          )}
          <Dropdown
            trigger={['click']}
            menu={{
              items: views.length
                ? views.map((v) => ({
                    key: v.id,
                    label: (
                      <Flex justify="space-between" gap={16} align="center">
                        <span onClick={() => applyView(v)} data-testid="saved-view">{v.name}</span>
                        <DeleteOutlined onClick={(e) => { e.stopPropagation(); void deleteView(v); }} aria-label={t('work.views.delete')} />
                      </Flex>
                    ),
                  }))
                : [{ key: 'none', disabled: true, label: t('work.views.none') }],
            }}
          >
            <Button icon={<StarOutlined />} data-testid="views-menu">{t('work.views.title')}</Button>
          </Dropdown>
          <Button icon={<SaveOutlined />} onClick={saveView} data-testid="save-view">{t('work.views.save')}</Button>
          <Flex gap={8} style={{ marginInlineStart: 'auto' }}>
            {preset.bulk && holds(me, 'case.dispatch') && (
              <Button type="primary" icon={<SendOutlined />} disabled={!selected.length} onClick={() => setBulkOpen(true)} data-testid="bulk-dispatch">
                {t('work.bulk.button', { count: selected.length })}
              </Button>
            )}
            <Tooltip title={t('table.refresh')}>
              <Button icon={<ReloadOutlined />} onClick={() => void load(false)} aria-label={t('table.refresh')} />
            </Tooltip>
            <Button icon={<DownloadOutlined />} onClick={() => void doExport()} disabled={!rows.length}>{t('table.export')}</Button>
          </Flex>
        </Flex>
        {error && <Alert type="error" showIcon title={error} />}
        <Table<Row>
          rowKey="key"
          columns={tableColumns}
          dataSource={rows}
          loading={loading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          rowClassName={(r) => (isLate(r) ? 'row-overdue' : '')}
          rowSelection={preset.bulk && holds(me, 'case.dispatch') ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          data-testid="queue-table"
        />
        <Flex justify="space-between" align="center">
          <Typography.Text type="secondary" data-testid="queue-count">{t('work.queue.shown', { count: rows.length })}</Typography.Text>
          {cursor && <Button onClick={() => void load(true)} loading={loading}>{t('work.queue.more')}</Button>}
        </Flex>
      </Flex>
      {bulkOpen && (
        <BulkDispatch
          rows={rows.filter((r) => selected.includes(r.key))}
          onClose={(changed) => {
            setBulkOpen(false);
            if (changed) void load(false);
          }}
        />
      )}
    </PageLayout>
  );
}

/**
 * Dispatching several cases at once: each to the unit the routing rules suggest, or all to one unit.
 * New reports are registered first. Each case is its own request (with its version), so one that
 * changed meanwhile fails alone and is listed with the reason.
 */
function BulkDispatch({ rows, onClose }: { rows: Row[]; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [mode, setMode] = useState<'suggested' | 'one'>('suggested');
  const [orgId, setOrgId] = useState<string | undefined>();
  const [handlers, setHandlers] = useState<Handler[]>([]);
  const [running, setRunning] = useState(false);
  const [failures, setFailures] = useState<{ caseNo: string; reason: string }[]>([]);
  useEffect(() => {
    getHandlers().then(setHandlers).catch(() => undefined);
  }, []);
  const run = async () => {
    setRunning(true);
    const failed: { caseNo: string; reason: string }[] = [];
    let done = 0;
    for (const r of rows) {
      const target = mode === 'one' ? orgId : r.summary?.assignedOrgId ?? undefined;
      try {
        if (!target) throw new Error(t('work.bulk.noSuggestion'));
        let version = r.summary?.version;
        if (r.status === 'reported') version = (await act(r.caseId, { action: 'register', expectedVersion: version })).version;
        await act(r.caseId, { action: 'dispatch', orgId: target, expectedVersion: version });
        done++;
      } catch (e) {
        failed.push({ caseNo: r.caseNo, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    setRunning(false);
    setFailures(failed);
    if (done) message.success(t('work.bulk.done', { count: done }));
    if (!failed.length) onClose(true);
  };
  return (
    <Modal
      open
      title={t('work.bulk.title', { count: rows.length })}
      okText={t('work.bulk.ok')}
      cancelText={t('common.cancel')}
      onOk={() => void run()}
      okButtonProps={{ loading: running, disabled: mode === 'one' && !orgId, 'data-testid': 'bulk-ok' } as never}
      onCancel={() => onClose(failures.length > 0)}
    >
      <Flex vertical gap={12}>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)}>
          <Space direction="vertical">
            <Radio value="suggested">{t('work.bulk.suggested')}</Radio>
            <Radio value="one">{t('work.bulk.one')}</Radio>
          </Space>
        </Radio.Group>
        {mode === 'one' && (
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('work.form.unit')}
            value={orgId}
            onChange={setOrgId}
            options={handlers.map((h) => ({ value: h.id, label: h.name }))}
            data-testid="bulk-org"
          />
        )}
        <ul className="bulk-list">
          {rows.map((r) => (
            <li key={r.key}>
              {r.caseNo} {r.title}
              {mode === 'suggested' && <Typography.Text type="secondary"> → {r.summary?.assignedOrgName ?? t('work.bulk.noSuggestion')}</Typography.Text>}
            </li>
          ))}
        </ul>
        {failures.length > 0 && (
          <Alert
            type="warning"
            showIcon
            title={t('work.bulk.failed', { count: failures.length })}
            description={failures.map((f) => <div key={f.caseNo}>{f.caseNo}：{f.reason}</div>)}
          />
        )}
      </Flex>
    </Modal>
  );
}

export const QUEUES: Record<QueueKind, ComponentType> = {
  dispatch: () => <Queue kind="dispatch" />,
  handle: () => <Queue kind="handle" />,
  verify: () => <Queue kind="verify" />,
  watch: () => <Queue kind="watch" />,
};
