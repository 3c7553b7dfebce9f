import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Checkbox, DatePicker, Flex, Form, Input, Popover, Select, Table, Tooltip } from 'antd';
import type { TableProps } from 'antd';
import { DownloadOutlined, ReloadOutlined, SearchOutlined, SettingOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { ApiError } from '../api/client';
import { downloadXlsx, type CellValue } from './exportXlsx';

export interface TableColumn<T> {
  key: string;
  title: string;
  /** the plain value: shown when there is no render, and written to the export */
  value?: (row: T) => CellValue;
  /** what the cell shows, when it is more than the plain value (tags, links, buttons) */
  render?: (row: T) => ReactNode;
  width?: number;
  /** hidden until chosen in the column chooser */
  hidden?: boolean;
  fixed?: 'left' | 'right';
}

export interface FilterField {
  name: string;
  label: string;
  type: 'text' | 'select' | 'dateRange';
  options?: { value: string; label: string }[];
  placeholder?: string;
  width?: number;
}

export type Filters = Record<string, unknown>;
export interface PageQuery<F> {
  filters: F;
  page: number;
  pageSize: number;
  /** true when the filters were (re)applied or the user asked to refresh: no cached answer */
  fresh: boolean;
}
export interface PageResult<T> {
  rows: T[];
  /** known when the API counts; otherwise hasMore says whether a next page exists */
  total?: number;
  hasMore?: boolean;
}

/**
 * Where a table page gets its rows. `page` answers one page for the table; `all` answers every row
 * matching the filters (up to `max`) for the export.
 */
export interface DataSource<T, F extends Filters = Filters> {
  page(q: PageQuery<F>): Promise<PageResult<T>>;
  all(filters: F, max: number): Promise<{ rows: T[]; truncated: boolean }>;
}

/** An API that answers the whole (bounded) list for the filters: fetched once, paged in the browser. */
export function listSource<T, F extends Filters = Filters>(load: (f: F) => Promise<T[]>, match?: (row: T, f: F) => boolean): DataSource<T, F> {
  let cache: { key: string; rows: T[] } | null = null;
  const rowsFor = async (f: F, fresh: boolean) => {
    const key = JSON.stringify(f);
    if (fresh || !cache || cache.key !== key) cache = { key, rows: await load(f) };
    return match ? cache.rows.filter((r) => match(r, f)) : cache.rows;
  };
  return {
    async page({ filters, page, pageSize, fresh }) {
      const rows = await rowsFor(filters, fresh);
      return { rows: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length };
    },
    async all(filters, max) {
      const rows = await rowsFor(filters, true);
      return { rows: rows.slice(0, max), truncated: rows.length > max };
    },
  };
}

/** An API that pages by cursor ("rows before this one"): pages are walked forwards and remembered. */
export function cursorSource<T, C, F extends Filters = Filters>(
  load: (f: F, cursor: C | undefined, limit: number) => Promise<{ rows: T[]; next: C | null }>,
  maxLimit: number,
): DataSource<T, F> {
  let cursors: { key: string; byPage: Map<number, C | undefined> } = { key: '', byPage: new Map() };
  return {
    async page({ filters, page, pageSize, fresh }) {
      const key = `${JSON.stringify(filters)}|${pageSize}`;
      if (fresh || cursors.key !== key) cursors = { key, byPage: new Map([[1, undefined]]) };
      // a page further than any seen so far is reached by walking from the last known one
      let known = page;
      while (!cursors.byPage.has(known)) known--;
      for (let p = known; ; p++) {
        const r = await load(filters, cursors.byPage.get(p), pageSize);
        if (r.next !== null) cursors.byPage.set(p + 1, r.next);
        if (p === page || r.next === null) return { rows: p === page ? r.rows : [], hasMore: r.next !== null };
      }
    },
    async all(filters, max) {
      const out: T[] = [];
      let cursor: C | undefined;
      for (;;) {
        const r = await load(filters, cursor, maxLimit);
        out.push(...r.rows);
        if (r.next === null) return { rows: out.slice(0, max), truncated: out.length > max };
        if (out.length >= max) return { rows: out.slice(0, max), truncated: true };
        cursor = r.next;
      }
    },
  };
}

const EXPORT_MAX = 20_000;

interface Props<T, F extends Filters> {
  /** remembers the chosen columns per table in this browser */
  id: string;
  columns: TableColumn<T>[];
  filters?: FilterField[];
  initialFilters?: Partial<F>;
  source: DataSource<T, F>;
  rowKey: (row: T) => string;
  /** file name (without date) and sheet name of the export */
  exportName: string;
  /** change it to reload the current page (after a change made elsewhere on the screen) */
  reloadKey?: number;
  expandable?: TableProps<T>['expandable'];
  pageSize?: number;
  /** an export the server makes (personal data: masked by permission, audited) instead of the browser's */
  onExport?: (filters: F) => Promise<void>;
  onRow?: TableProps<T>['onRow'];
}

/**
 * A list screen's body: filters sent to the server, pagination, a column chooser, refresh, and export
 * of the current view (the filtered rows, the chosen columns, in the shown order) to an Excel file.
 */
export function TablePage<T extends object, F extends Filters = Filters>(props: Props<T, F>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const storageKey = `linli.columns.${props.id}`;
  const [hidden, setHidden] = useState<Set<string>>(() => {
    const saved = localStorage.getItem(storageKey);
    if (saved) {
      try {
        return new Set(JSON.parse(saved) as string[]);
      } catch {
        localStorage.removeItem(storageKey);
      }
    }
    return new Set(props.columns.filter((c) => c.hidden).map((c) => c.key));
  });
  const [filters, setFilters] = useState<F>((props.initialFilters ?? {}) as F);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(props.pageSize ?? 20);
  const [result, setResult] = useState<PageResult<T>>({ rows: [] });
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fresh = useRef(true);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const r = await props.source.page({ filters, page, pageSize, fresh: fresh.current });
      fresh.current = false;
      if (mine !== seq.current) return;
      // a page emptied by a change (the last row of the last page removed): step back
      if (r.rows.length === 0 && page > 1) setPage(page - 1);
      setResult(r);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [props.source, filters, page, pageSize]);

  useEffect(() => {
    void load();
  }, [load]);

  const firstReload = useRef(true);
  useEffect(() => {
    if (firstReload.current) {
      firstReload.current = false;
      return;
    }
    fresh.current = true;
    void load();
    // only a change of reloadKey reloads here; other changes reload through `load` above
  }, [props.reloadKey]);

  const visible = props.columns.filter((c) => !hidden.has(c.key));
  const setColumnShown = (key: string, shown: boolean) => {
    const next = new Set(hidden);
    if (shown) next.delete(key);
    else next.add(key);
    if (props.columns.length - next.size === 0) return;
    setHidden(next);
    localStorage.setItem(storageKey, JSON.stringify([...next]));
  };
  const resetColumns = () => {
    localStorage.removeItem(storageKey);
    setHidden(new Set(props.columns.filter((c) => c.hidden).map((c) => c.key)));
  };

  const applyFilters = (values: F) => {
    fresh.current = true;
    setPage(1);
    setFilters({ ...values });
  };

  const doExport = async () => {
    setExporting(true);
    try {
      if (props.onExport) {
        await props.onExport(filters);
        return;
      }
      const { rows, truncated } = await props.source.all(filters, EXPORT_MAX);
      const cols = visible.filter((c) => c.value);
      await downloadXlsx(props.exportName, props.exportName, cols.map((c) => c.title), rows.map((r) => cols.map((c) => c.value!(r))));
      if (truncated) message.warning(t('table.exportTruncated', { count: EXPORT_MAX }));
      else message.success(t('table.exported', { count: rows.length }));
    } catch (e) {
      message.error(e instanceof ApiError ? e.message : String(e));
    } finally {
      setExporting(false);
    }
  };

  const columns: TableProps<T>['columns'] = visible.map((c) => ({
    key: c.key,
    title: c.title,
    width: c.width,
    fixed: c.fixed,
    render: (_: unknown, row: T) => {
      if (c.render) return c.render(row);
      const v = c.value?.(row);
      if (v instanceof Date) return dayjs(v).format('YYYY-MM-DD HH:mm');
      if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
      return v ?? '';
    },
  }));

  const total = result.total ?? (page - 1) * pageSize + result.rows.length + (result.hasMore ? 1 : 0);
  const chooser = (
    <Flex vertical gap={6} className="column-chooser">
      {props.columns.map((c) => (
        <Checkbox key={c.key} checked={!hidden.has(c.key)} onChange={(e) => setColumnShown(c.key, e.target.checked)}>
          {c.title}
        </Checkbox>
      ))}
      <Button type="link" size="small" onClick={resetColumns} className="column-chooser-reset">
        {t('table.resetColumns')}
      </Button>
    </Flex>
  );

  return (
    <div className="table-page">
      {props.filters && props.filters.length > 0 && (
        <Form form={form} layout="inline" className="table-filters" initialValues={props.initialFilters} onFinish={applyFilters}>
          {props.filters.map((f) => (
            <Form.Item key={f.name} name={f.name} label={f.label}>
              {f.type === 'text' ? (
                <Input allowClear placeholder={f.placeholder} style={{ width: f.width ?? 200 }} />
              ) : f.type === 'select' ? (
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={f.placeholder ?? t('common.all')} options={f.options} style={{ width: f.width ?? 200 }} popupMatchSelectWidth={false} />
              ) : (
                <DatePicker.RangePicker showTime={false} style={{ width: f.width ?? 280 }} />
              )}
            </Form.Item>
          ))}
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
                {t('table.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  applyFilters((props.initialFilters ?? {}) as F);
                }}
              >
                {t('table.reset')}
              </Button>
            </Flex>
          </Form.Item>
        </Form>
      )}
      <Flex justify="space-between" align="center" className="table-toolbar" wrap gap={8}>
        <span className="table-count" data-testid="table-count">
          {result.total !== undefined ? t('table.total', { count: result.total }) : ''}
        </span>
        <Flex gap={8}>
          <Tooltip title={t('table.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                fresh.current = true;
                void load();
              }}
              aria-label={t('table.refresh')}
            />
          </Tooltip>
          <Popover content={chooser} title={t('table.columns')} trigger="click" placement="bottomRight">
            <Button icon={<SettingOutlined />}>{t('table.columns')}</Button>
          </Popover>
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void doExport()} data-testid="export-xlsx">
            {t('table.export')}
          </Button>
        </Flex>
      </Flex>
      {error && <Alert type="error" showIcon title={error} className="table-error" />}
      <Table<T>
        rowKey={props.rowKey}
        columns={columns}
        dataSource={result.rows}
        loading={loading}
        expandable={props.expandable}
        onRow={props.onRow}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: result.total !== undefined ? (n) => t('table.total', { count: n }) : undefined,
          onChange: (p, s) => {
            if (s !== pageSize) {
              setPageSize(s);
              setPage(1);
            } else setPage(p);
          },
        }}
      />
    </div>
  );
}
