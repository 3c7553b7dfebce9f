import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { App, Button, Card, DatePicker, Descriptions, Drawer, Empty, Flex, Form, Input, Modal, Popconfirm, Radio, Select, Skeleton, Space, Tabs, Tag, Timeline, Typography } from 'antd';
import { EyeOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, newIdempotencyKey } from '../../api/client';
import type { CareTag, Region, ResidentDetail, ResidentSummary, Visit } from '../../api/operations';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, cursorSource, type TableColumn } from '../../components/TablePage';
import { downloadFile } from '../../components/download';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';
import { holds, useMe } from '../../app/session';
import { usePreferences } from '../../app/preferences';

type Filters = { q?: string; tag?: string; gridId?: string; communityId?: string; separated?: string; status?: string };
const query = (f: Filters) => ({ q: f.q?.trim(), tag: f.tag, gridId: f.gridId, communityId: f.communityId, separated: f.separated, status: f.status });

/** Care tags with names in the console's language. */
function useCareTags() {
  const { language } = usePreferences();
  const tags = useAsync(() => api.get<CareTag[]>('/api/care-tags'), []);
  return useMemo(() => {
    const names = new Map((tags.data ?? []).map((x) => [x.code, language === 'en' ? x.nameEn : x.nameZh]));
    return { list: tags.data ?? [], name: (code: string) => names.get(code) ?? code };
  }, [tags.data, language]);
}

/**
 * 居民信息: search residents in the user's area (ID numbers and phones masked), the server's export
 * (masked unless permitted, audited), and the resident card (?id=) with household history, care tags
 * and visits; the full numbers only on request, with the permission, and audited.
 */
export default function Residents() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const openId = params.get('id');
  const tags = useCareTags();
  const regions = useAsync(() => api.get<Region[]>('/api/regions'), []);
  const grids = (regions.data ?? []).filter((r) => r.level === 'grid');
  const communities = (regions.data ?? []).filter((r) => r.level === 'community');
  const regionName = new Map((regions.data ?? []).map((r) => [r.id, r.name]));
  const initial: Filters = { gridId: params.get('gridId') ?? undefined, status: 'active' };
  const source = useMemo(
    () =>
      cursorSource<ResidentSummary, string, Filters>(async (f, cursor, limit) => {
        const r = await api.get<{ items: ResidentSummary[]; nextCursor: string | null }>('/api/residents', { ...query(f), cursor, limit });
        return { rows: r.items, next: r.nextCursor };
      }, 200),
    [],
  );
  const open = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('id', id);
    else p.delete('id');
    setParams(p);
  };

  const columns: TableColumn<ResidentSummary>[] = [
    { key: 'name', title: t('reg.name'), value: (r) => r.name, render: (r) => <a onClick={() => open(r.id)}>{r.name}</a>, fixed: 'left' },
    { key: 'gender', title: t('reg.gender'), value: (r) => t(`reg.genders.${r.gender}`) },
    { key: 'age', title: t('reg.age'), value: (r) => r.age },
    { key: 'idNumber', title: t('reg.idNumber'), value: (r) => r.idNumber },
    { key: 'phone', title: t('reg.phone'), value: (r) => r.phone },
    { key: 'household', title: t('reg.household'), value: (r) => r.household?.label ?? t('reg.notHoused') },
    { key: 'relation', title: t('reg.relation'), value: (r) => (r.relation ? t(`reg.relations.${r.relation}`) : null) },
    { key: 'grid', title: t('reg.grid'), value: (r) => (r.gridId ? regionName.get(r.gridId) ?? '' : ''), hidden: grids.length <= 1 },
    { key: 'separated', title: t('reg.separated'), value: (r) => r.separated, hidden: true },
    {
      key: 'tags',
      title: t('reg.tags'),
      value: (r) => r.tags.map(tags.name).join('、'),
      render: (r) => (
        <Space size={[4, 4]} wrap>
          {r.tags.map((x) => (
            <Tag color="volcano" key={x}>
              {tags.name(x)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: 'status', title: t('common.status'), value: (r) => t(`reg.statuses.${r.status}`), render: (r) => <Tag color={r.status === 'active' ? 'green' : 'default'}>{t(`reg.statuses.${r.status}`)}</Tag> },
  ];

  const exportServer = async (f: Filters) => {
    await downloadFile('/api/exports/residents.xlsx', query(f), 'residents.xlsx');
    message.success(holds(me, 'resident.export_unmasked') ? t('reg.exportedFull') : t('reg.exportedMasked'));
  };

  return (
    <PageLayout description={t('reg.residentsDescription')}>
      <TablePage<ResidentSummary, Filters>
        id="residents"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('reg.residents')}
        initialFilters={initial}
        onExport={holds(me, 'resident.export') ? exportServer : async () => void message.error(t('reg.noExport'))}
        filters={[
          { name: 'q', label: t('reg.search'), type: 'text', placeholder: t('reg.searchHint'), width: 260 },
          { name: 'tag', label: t('reg.tags'), type: 'select', width: 150, options: tags.list.map((x) => ({ value: x.code, label: tags.name(x.code) })) },
          ...(communities.length > 1 ? [{ name: 'communityId', label: t('reg.community'), type: 'select' as const, width: 180, options: communities.map((c) => ({ value: c.id, label: c.name })) }] : []),
          ...(grids.length > 1 ? [{ name: 'gridId', label: t('reg.grid'), type: 'select' as const, width: 180, options: grids.map((g) => ({ value: g.id, label: g.name })) }] : []),
          { name: 'separated', label: t('reg.separated'), type: 'select', width: 110, options: [{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }] },
          { name: 'status', label: t('common.status'), type: 'select', width: 120, options: ['active', 'moved_out', 'deceased', 'all'].map((s) => ({ value: s, label: t(`reg.statuses.${s}`) })) },
        ]}
      />
      <ResidentCard id={openId} onClose={() => open(null)} tagName={tags.name} tagList={tags.list} />
    </PageLayout>
  );
}

function ResidentCard({ id, onClose, tagName, tagList }: { id: string | null; onClose: () => void; tagName: (c: string) => string; tagList: CareTag[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const r = useAsync(() => (id ? api.get<ResidentDetail>(`/api/residents/${id}`) : Promise.resolve(null)), [id]);
  const visits = useAsync(() => (id ? api.get<Visit[]>(`/api/residents/${id}/visits`) : Promise.resolve([])), [id]);
  const [revealed, setRevealed] = useState<{ id: string; idNumber: string; phone: string | null } | null>(null);
  const [adding, setAdding] = useState<'tag' | 'visit' | null>(null);
  const d = r.data;
  const shown = revealed && revealed.id === id ? revealed : null;

  const reveal = async () => {
    try {
      const full = await api.post<{ idNumber: string; phone: string | null }>(`/api/residents/${id}/reveal`);
      setRevealed({ id: id!, ...full });
      message.info(t('reg.revealAudited'));
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const endTag = async (tagId: string) => {
    try {
      await api.post(`/api/residents/${id}/tags/${tagId}/end`, {});
      await r.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const fieldLabel = (k: string) => t(`reg.fields.${k}`, { defaultValue: k });
  return (
    <Drawer open={!!id} onClose={onClose} title={d ? `${d.name} · ${t(`reg.genders.${d.gender}`)} · ${t('reg.ageYears', { age: d.age })}` : t('reg.residentCard')} size={720} data-testid="resident-card">
      {!d ? (
        r.error ? <Empty description={r.error.message} /> : <Skeleton active />
      ) : (
        <Flex vertical gap={16}>
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('reg.idNumber')} span={2}>
              <Space>
                <Typography.Text data-testid="resident-id-number" copyable={!!shown}>
                  {shown?.idNumber ?? d.idNumber}
                </Typography.Text>
                {!shown && holds(me, 'resident.reveal') && (
                  <Popconfirm title={t('reg.revealConfirm')} description={t('reg.revealText')} onConfirm={() => void reveal()} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                    <Button size="small" icon={<EyeOutlined />} data-testid="reveal">
                      {t('reg.reveal')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('reg.phone')} span={2}>
              <span data-testid="resident-phone">{shown ? shown.phone ?? '—' : d.phone ?? '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('reg.birthDate')}>{d.birthDate}</Descriptions.Item>
            <Descriptions.Item label={t('reg.ethnicity')}>{d.ethnicity ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reg.political')}>{d.politicalStatus ? t(`reg.politicals.${d.politicalStatus}`) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>{t(`reg.statuses.${d.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('reg.household')} span={2}>
              {d.household ? (
                <Link to={`/registry/places?household=${d.household.id}`}>
                  {d.relation ? t('reg.householdAs', { label: d.household.label, relation: t(`reg.relations.${d.relation}`) }) : d.household.label}
                </Link>
              ) : (
                t('reg.notHoused')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('reg.registeredAddress')} span={2}>
              {d.registeredAddress ?? '—'} {d.separated && <Tag color="orange">{t('reg.separated')}</Tag>}
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              {
                key: 'tags',
                label: `${t('reg.tags')} (${d.tags.length})`,
                children: (
                  <>
                    {holds(me, 'resident.write') && (
                      <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding('tag')} style={{ marginBottom: 12 }} data-testid="add-tag">
                        {t('reg.addTag')}
                      </Button>
                    )}
                    <Timeline
                      items={d.tagHistory.map((x) => ({
                        color: x.to ? 'gray' : 'red',
                        content: (
                          <Space wrap>
                            <Tag color={x.to ? 'default' : 'volcano'}>{tagName(x.tag)}</Tag>
                            <span>{x.to ? t('reg.tagPeriod', { from: x.from, to: x.to }) : t('reg.tagSince', { from: x.from })}</span>
                            {x.note && <Typography.Text type="secondary">{x.note}</Typography.Text>}
                            {!x.to && holds(me, 'resident.write') && (
                              <Popconfirm title={t('reg.endTagConfirm')} onConfirm={() => void endTag(x.id)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                                <Button type="link" size="small">
                                  {t('reg.endTag')}
                                </Button>
                              </Popconfirm>
                            )}
                          </Space>
                        ),
                      }))}
                    />
                    {d.tagHistory.length === 0 && <Empty description={t('reg.noTags')} />}
                  </>
                ),
              },
              {
                key: 'visits',
                label: `${t('reg.visits')} (${visits.data?.length ?? 0})`,
                children: (
                  <>
                    {holds(me, 'visit.write') && (
                      <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding('visit')} style={{ marginBottom: 12 }} data-testid="add-visit">
                        {t('reg.addVisit')}
                      </Button>
                    )}
                    {(visits.data ?? []).length === 0 ? (
                      <Empty description={t('reg.noVisits')} />
                    ) : (
                      <Timeline
                        items={(visits.data ?? []).map((v) => ({
                          content: (
                            <Card size="small">
                              <Typography.Text strong>{dayjs(v.visitedAt).format('YYYY-MM-DD HH:mm')}</Typography.Text> · {t(`reg.methods.${v.method}`)} · {v.visitor.displayName}
                              <div>{v.notes}</div>
                              {v.nextVisitOn && <Typography.Text type="secondary">{t('reg.nextVisit', { date: v.nextVisitOn })}</Typography.Text>}
                            </Card>
                          ),
                        }))}
                      />
                    )}
                  </>
                ),
              },
              {
                key: 'history',
                label: t('reg.history'),
                children: (
                  <Timeline
                    items={[
                      ...d.memberships.map((m) => ({
                        content: m.to
                          ? t('reg.membershipPast', { label: m.label, relation: t(`reg.relations.${m.relation}`), from: m.from, to: m.to, reason: m.reasonOut ?? '' })
                          : t('reg.membershipNow', { label: m.label, relation: t(`reg.relations.${m.relation}`), from: m.from }),
                      })),
                      ...d.changes.map((c) => ({
                        color: 'gray',
                        content: t('reg.changeLine', {
                          at: dayjs(c.at).format('YYYY-MM-DD HH:mm'),
                          source: t(`reg.sources.${c.source}`, { defaultValue: c.source }),
                          changes: Object.entries(c.changes)
                            .map(([k, v]) => `${fieldLabel(k)} ${String(v.from ?? '—')} → ${String(v.to ?? '—')}`)
                            .join(t('reg.listSeparator')),
                        }),
                      })),
                    ]}
                  />
                ),
              },
            ]}
          />
        </Flex>
      )}
      {id && adding === 'tag' && <AddTag residentId={id} tags={tagList.filter((x) => !d?.tags.includes(x.code))} tagName={tagName} onDone={async (ok) => { setAdding(null); if (ok) await r.reload(); }} />}
      {id && adding === 'visit' && <AddVisit residentId={id} onDone={async (ok) => { setAdding(null); if (ok) await visits.reload(); }} />}
    </Drawer>
  );
}

function AddTag({ residentId, tags, tagName, onDone }: { residentId: string; tags: CareTag[]; tagName: (c: string) => string; onDone: (ok: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ tag: string; from?: Dayjs; note?: string }>();
  const [key] = useState(newIdempotencyKey);
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post(`/api/residents/${residentId}/tags`, { tag: v.tag, ...(v.from ? { from: v.from.format('YYYY-MM-DD') } : {}), note: v.note?.trim() || null }, { idempotencyKey: key });
    onDone(true);
  });
  return (
    <Modal open title={t('reg.addTag')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={submitting} onOk={() => void run()} onCancel={() => onDone(false)}>
      <Form form={form} layout="vertical">
        <Form.Item name="tag" label={t('reg.tags')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={tags.map((x) => ({ value: x.code, label: tagName(x.code) }))} />
        </Form.Item>
        <Form.Item name="from" label={t('reg.tagFrom')}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="note" label={t('reg.note')}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function AddVisit({ residentId, onDone }: { residentId: string; onDone: (ok: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ method: string; notes: string; nextVisitOn?: Dayjs }>();
  const [key] = useState(newIdempotencyKey);
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post(`/api/residents/${residentId}/visits`, { method: v.method, notes: v.notes.trim(), nextVisitOn: v.nextVisitOn ? v.nextVisitOn.format('YYYY-MM-DD') : null }, { idempotencyKey: key });
    onDone(true);
  });
  return (
    <Modal open title={t('reg.addVisit')} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={submitting} onOk={() => void run()} onCancel={() => onDone(false)}>
      <Form form={form} layout="vertical" initialValues={{ method: 'home' }}>
        <Form.Item name="method" label={t('reg.method')}>
          <Radio.Group options={['home', 'phone', 'other'].map((m) => ({ value: m, label: t(`reg.methods.${m}`) }))} />
        </Form.Item>
        <Form.Item name="notes" label={t('reg.visitNotes')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input.TextArea rows={4} maxLength={2000} data-testid="visit-notes" />
        </Form.Item>
        <Form.Item name="nextVisitOn" label={t('reg.nextVisitOn')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}
