import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, Image, List, Result, Row, Space, Spin, Table, Tag, Timeline, Tooltip, Typography } from 'antd';
import { PrinterOutlined, ReloadOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/client';
import { getCase, getClocks, listCases, type CaseDetail, type CaseSummary, type Clocks } from '../../api/cases';
import { PageLayout } from '../../components/PageLayout';
import { ActionPanel } from '../../components/cases/ActionPanel';
import { GridMap } from '../../components/cases/GridMap';
import { SuggestionChips, useSuggestions } from '../../components/cases/suggest';
import {
  Countdown, StatusTag, channelLabel, clockLabel, deadlineLabel, eventLabel, fmt, satisfactionLabel, statusLabel, typeLabel, useTaxonomy,
} from '../../components/cases/common';
import { useLiveNotices } from '../../components/cases/live';

/** Loads a case (and its open clocks); reload() after a change made elsewhere. */
export function useCase(id: string) {
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [clocks, setClocks] = useState<Clocks | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = useCallback(async () => {
    try {
      const [detail, clk] = await Promise.all([getCase(id), getClocks([id])]);
      setCase(detail);
      setClocks(clk);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e)));
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { c, setCase, clocks, error, reload, setClocks };
}

const DEADLINE_COLOR: Record<string, string> = { open: 'processing', met: 'success', missed: 'error', cancelled: 'default' };

/** Everything about one case, and the steps the user may take on it now. */
export default function CaseView() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const tax = useTaxonomy();
  const { c, setCase, clocks, error, reload, setClocks } = useCase(id);
  const [similar, setSimilar] = useState<CaseSummary[]>([]);
  const suggestions = useSuggestions(c && (c.status === 'reported' || c.status === 'registered') ? c.description : undefined);

  // a notification about this case (someone else acted on it) reloads it
  useLiveNotices((n) => {
    if (n.caseId === id) void reload();
  });
  useEffect(() => {
    const timer = setInterval(() => void getClocks([id]).then(setClocks).catch(() => undefined), 60_000);
    return () => clearInterval(timer);
  }, [id, setClocks]);
  useEffect(() => {
    if (!c?.gridId) return;
    // the same kind of problem in the same grid lately: duplicates to merge, or a pattern
    listCases({ gridId: c.gridId, category: c.categoryTop, limit: 8 })
      .then((r) => setSimilar(r.items.filter((x) => x.id !== c.id).slice(0, 6)))
      .catch(() => setSimilar([]));
  }, [c?.id, c?.gridId, c?.categoryTop]);

  if (error) {
    return (
      <PageLayout title={t('work.screen.case')}>
        <Result status={error.status === 404 ? '404' : 'error'} title={error.status === 404 ? t('work.case.notFound') : error.message} extra={<Link to="/cases">{t('work.screen.search')}</Link>} />
      </PageLayout>
    );
  }
  if (!c) return <div className="content-loading"><Spin size="large" /></div>;

  const before = c.attachments.filter((a) => a.kind === 'before' && a.mime.startsWith('image/'));
  const after = c.attachments.filter((a) => a.kind !== 'before' && a.mime.startsWith('image/'));
  const open = clocks?.items ?? [];
  const topSuggestion = suggestions[0] ? suggestions[0].subCategory ?? suggestions[0].category : undefined;

  return (
    <PageLayout
      title={
        <Space wrap>
          <span data-testid="case-no">{c.caseNo}</span>
          <StatusTag status={c.status} />
          {c.priority === 'urgent' && <Tag color="red">{t('work.priority.urgent')}</Tag>}
          {c.overdue && <Tag color="error">{t('work.overdue')}</Tag>}
        </Space>
      }
      actions={
        <>
          <Tooltip title={t('table.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void reload()} aria-label={t('table.refresh')} />
          </Tooltip>
          <Link to={`/cases/${c.id}/print`}>
            <Button icon={<PrinterOutlined />} data-testid="print-link">{t('work.print.button')}</Button>
          </Link>
        </>
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Flex vertical gap={16}>
            <Card title={c.title !== c.description ? c.title : t('work.case.info')} data-testid="case-info">
              <Typography.Paragraph className="case-description">{c.description}</Typography.Paragraph>
              <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
                <Descriptions.Item label={t('work.field.category')}>{tax.name(c.category) || c.categoryName}</Descriptions.Item>
                <Descriptions.Item label={t('work.field.type')}>{typeLabel(c.type)}</Descriptions.Item>
                <Descriptions.Item label={t('work.field.channel')}>{channelLabel(c.channel)}</Descriptions.Item>
                <Descriptions.Item label={t('work.field.reportedAt')}>{fmt(c.reportedAt)}</Descriptions.Item>
                <Descriptions.Item label={t('work.field.reporter')}>
                  <span data-testid="reporter">
                    {c.reporter.anonymous
                      ? t('work.case.anonymous')
                      : [c.reporter.name, c.reporter.phone].filter(Boolean).join(' ') || (c.reporter.resident ? t('work.case.residentAccount') : '—')}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('work.field.address')}>{c.location?.address ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('work.field.dispatcher')}>{c.dispatchOrgName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('work.field.unit')}>
                  {c.assignedOrgName ?? '—'}
                  {(c.status === 'reported' || c.status === 'registered') && c.assignedOrgName && <Tag className="tag-after">{t('work.case.suggestedByRules')}</Tag>}
                </Descriptions.Item>
              </Descriptions>
              {suggestions.length > 0 && (
                <div className="case-suggestions">
                  <SuggestionChips suggestions={suggestions} name={tax.name} />
                </div>
              )}
            </Card>

            <Card title={t('work.case.photos')} data-testid="case-photos">
              <Row gutter={16}>
                {[
                  ['before', t('work.field.photosBefore'), before],
                  ['after', t('work.field.photosAfter'), after],
                ].map(([key, label, list]) => (
                  <Col xs={24} md={12} key={key as string}>
                    <Typography.Text strong>{label as string}</Typography.Text>
                    <div className="case-photos">
                      {(list as typeof before).length ? (
                        <Image.PreviewGroup>
                          {(list as typeof before).map((a) => (
                            <Image key={a.id} src={`/api/files/${a.id}`} width={104} height={104} className="case-photo" alt={label as string} data-testid={`photo-${key as string}`} />
                          ))}
                        </Image.PreviewGroup>
                      ) : (
                        <Typography.Text type="secondary">{t('work.case.noPhotos')}</Typography.Text>
                      )}
                    </div>
                  </Col>
                ))}
              </Row>
            </Card>

            <Card title={t('work.case.timeline')} data-testid="case-timeline">
              <Timeline
                items={c.events.map((e) => ({
                  color: e.type === 'overdue' || e.type === 'return' || e.type === 'reject' ? 'red' : e.type === 'warning' ? 'orange' : 'blue',
                  content: (
                    <div className="timeline-item">
                      <Space wrap size={6}>
                        <Typography.Text strong>{eventLabel(e.type)}</Typography.Text>
                        {e.to && e.to !== e.from && <Tag>{statusLabel(e.to)}</Tag>}
                        <Typography.Text type="secondary">{fmt(e.at)}</Typography.Text>
                        {e.actor.name && <Typography.Text type="secondary">· {e.actor.name}</Typography.Text>}
                      </Space>
                      {e.note && <div className="timeline-note">{e.note}</div>}
                    </div>
                  ),
                }))}
              />
            </Card>

            {c.whistles.length > 0 && (
              <Card title={t('work.case.whistles')} data-testid="case-whistles">
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={c.whistles}
                  scroll={{ x: 'max-content' }}
                  columns={[
                    { key: 'org', title: t('work.field.unit'), render: (_, w) => w.orgName },
                    { key: 'at', title: t('work.case.whistledAt'), render: (_, w) => fmt(w.at) },
                    { key: 'due', title: t('work.case.checkInDue'), render: (_, w) => fmt(w.dueAt) },
                    {
                      key: 'in', title: t('work.case.checkedIn'),
                      render: (_, w) => (w.checkedInAt ? <Tag color={new Date(w.checkedInAt) <= new Date(w.dueAt) ? 'success' : 'warning'}>{fmt(w.checkedInAt)}</Tag> : w.escalatedAt ? <Tag color="error">{t('work.case.escalated')}</Tag> : <Tag>{t('work.case.waiting')}</Tag>),
                    },
                    { key: 'report', title: t('work.case.report'), render: (_, w) => w.report ?? '' },
                    { key: 'rated', title: t('work.case.rating'), render: (_, w) => (w.ratedOnTime === null ? '' : `${w.ratedOnTime ? t('work.form.onTime') : t('work.case.late')} · ${w.ratedEffective ? t('work.form.effective') : t('work.case.notEffective')}`) },
                  ]}
                />
              </Card>
            )}

            {(c.supervisions.length > 0 || c.extensions.length > 0) && (
              <Card title={t('work.case.supervision')}>
                <List
                  size="small"
                  dataSource={[
                    ...c.supervisions.map((s) => ({ key: s.id, text: `${t('work.action.supervise')}：${s.note}`, at: s.at, state: s.acknowledgedAt ? t('work.case.acknowledged') : t('work.case.waiting') })),
                    ...c.extensions.map((e) => ({ key: e.id, text: `${t('work.action.extend')}：${e.reason}（${fmt(e.until)}）`, at: e.at, state: t(`work.extension.${e.state}`) })),
                  ]}
                  renderItem={(x) => (
                    <List.Item extra={<Tag>{x.state}</Tag>}>
                      <List.Item.Meta title={x.text} description={fmt(x.at)} />
                    </List.Item>
                  )}
                />
              </Card>
            )}

            {c.evaluation && (
              <Card title={t('work.case.evaluation')} data-testid="case-evaluation">
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('work.form.satisfaction')}>{satisfactionLabel(c.evaluation.satisfaction)}</Descriptions.Item>
                  <Descriptions.Item label={t('work.form.resolved')}>{c.evaluation.resolved === null ? '—' : c.evaluation.resolved ? t('common.yes') : t('common.no')}</Descriptions.Item>
                  {c.evaluation.comment && <Descriptions.Item label={t('work.form.comment')}>{c.evaluation.comment}</Descriptions.Item>}
                  <Descriptions.Item label={t('work.case.evaluatedBy')}>{c.evaluation.byCallback ? t('work.case.byCallback') : t('work.case.byResident')}</Descriptions.Item>
                </Descriptions>
              </Card>
            )}
          </Flex>
        </Col>

        <Col xs={24} xl={9}>
          <Flex vertical gap={16}>
            <Card title={t('work.case.actions')} data-testid="case-actions">
              <ActionPanel c={c} similar={similar} suggestedCategory={topSuggestion} onDone={(next) => { setCase(next); void getClocks([id]).then(setClocks); }} />
            </Card>

            <Card title={t('work.case.deadlines')} data-testid="case-deadlines">
              {c.deadlines.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('work.case.noDeadlines')} />
              ) : (
                <List
                  size="small"
                  dataSource={[...c.deadlines].reverse()}
                  renderItem={(d) => {
                    const clock = d.state === 'open' ? open.find((x) => x.kind === d.kind && x.orgId === d.orgId && x.dueAt === d.dueAt) : undefined;
                    return (
                      <List.Item>
                        <Flex vertical gap={2} style={{ width: '100%' }}>
                          <Flex justify="space-between" gap={8} wrap>
                            <Typography.Text strong>{deadlineLabel(d.kind)}</Typography.Text>
                            <Tag color={DEADLINE_COLOR[d.state]}>{t(`work.deadlineState.${d.state}`)}</Tag>
                          </Flex>
                          <Typography.Text type="secondary">
                            {t('work.countdown.due', { at: fmt(d.dueAt) })} · {clockLabel(d.clock)}
                          </Typography.Text>
                          {clock && <Countdown clock={clock} dayMinutes={clocks?.dayMinutes ?? 450} />}
                        </Flex>
                      </List.Item>
                    );
                  }}
                />
              )}
            </Card>

            <Card title={t('work.case.place')}>
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('work.field.address')}>{c.location?.address ?? '—'}</Descriptions.Item>
                {c.location?.lat != null && c.location.lng != null && (
                  <Descriptions.Item label={t('work.place.point')}>{`${c.location.lat.toFixed(5)}, ${c.location.lng.toFixed(5)}`}</Descriptions.Item>
                )}
              </Descriptions>
              <GridMap gridId={c.gridId} point={c.location} />
            </Card>

            <Card title={t('work.case.similar')} data-testid="case-similar">
              {similar.length === 0 ? (
                <Typography.Text type="secondary">{t('work.case.noSimilar')}</Typography.Text>
              ) : (
                <List
                  size="small"
                  dataSource={similar}
                  renderItem={(s) => (
                    <List.Item extra={<StatusTag status={s.status} />}>
                      <List.Item.Meta title={<Link to={`/cases/${s.id}`}>{s.caseNo}</Link>} description={`${s.title} · ${fmt(s.reportedAt)}`} />
                    </List.Item>
                  )}
                />
              )}
            </Card>
            {c.mergedInto && <Alert type="info" showIcon title={<Link to={`/cases/${c.mergedInto}`}>{t('work.case.mergedInto')}</Link>} />}
          </Flex>
        </Col>
      </Row>
    </PageLayout>
  );
}
