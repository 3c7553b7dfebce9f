import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, Descriptions, Flex, Result, Segmented, Space, Statistic, Steps, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { api, postFiles } from '../../api/client';
import type { ImportReport } from '../../api/operations';
import { PageLayout } from '../../components/PageLayout';
import { ChartCard } from '../../components/Chart';
import { downloadFile } from '../../components/download';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { holds, useMe } from '../../app/session';

type Kind = ImportReport['kind'];
type Problem = ImportReport['problems'][number] & { seq?: number };
/** the report carries the first problems; the rest are paged from /problems */
const PROBLEM_PAGE = 2000;

const upload = (kind: Kind, file: File) => postFiles<ImportReport>(`/api/imports?kind=${kind}`, [file]);

/**
 * 数据导入: upload a community's own spreadsheet (xlsx or csv), read the validation report (row,
 * column, problem; nothing is imported yet), then confirm to import every valid row at once.
 * Importing the same file again changes nothing.
 */
export default function Imports() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const kinds = (['residents', 'households', 'buildings'] as const).filter((k) => holds(me, k === 'residents' ? 'resident.import' : 'place.write'));
  const [kind, setKind] = useState<Kind>(kinds[0] ?? 'residents');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);
  const step = !report ? 0 : report.status === 'confirmed' ? 2 : 1;

  const show = async (r: ImportReport) => {
    setReport(r);
    let all: Problem[] = r.problems;
    if (r.problemsTruncated) {
      all = [];
      let after: number | undefined;
      for (;;) {
        const page = await api.get<{ items: Problem[]; nextCursor: number | null }>(`/api/imports/${r.id}/problems`, { after, limit: PROBLEM_PAGE });
        all.push(...page.items);
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
    }
    setProblems(all);
  };

  const send = async (file: File) => {
    setBusy(true);
    try {
      await show(await upload(kind, file));
      setReloadKey((k) => k + 1);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      const r = await api.post<ImportReport>(`/api/imports/${report!.id}/confirm`);
      setReport(r);
      setReloadKey((k) => k + 1);
      message.success(t('imp.confirmed'));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const history = useMemo(() => listSource<ImportReport>(() => api.get<ImportReport[]>('/api/imports')), []);
  const historyColumns: TableColumn<ImportReport>[] = [
    { key: 'createdAt', title: t('imp.at'), value: (r) => new Date(r.createdAt) },
    { key: 'kind', title: t('imp.kind'), value: (r) => t(`imp.kinds.${r.kind}`) },
    { key: 'file', title: t('imp.file'), value: (r) => r.fileName },
    { key: 'rows', title: t('imp.rows'), value: (r) => r.totalRows },
    { key: 'problems', title: t('imp.problemRows'), value: (r) => r.problemRows },
    {
      key: 'status',
      title: t('common.status'),
      value: (r) => t(`imp.statuses.${r.status}`),
      render: (r) => <Tag color={r.status === 'confirmed' ? 'green' : r.status === 'failed' ? 'red' : 'blue'}>{t(`imp.statuses.${r.status}`)}</Tag>,
    },
    {
      key: 'open',
      title: t('common.actions'),
      render: (r) => (
        <Button type="link" onClick={() => void api.get<ImportReport>(`/api/imports/${r.id}`).then(show, (e: Error) => message.error(e.message))}>
          {t('imp.openReport')}
        </Button>
      ),
    },
  ];

  return (
    <PageLayout description={t('imp.description')}>
      <Flex vertical gap={16}>
        <Steps current={step} items={[{ title: t('imp.step1') }, { title: t('imp.step2') }, { title: t('imp.step3') }]} data-testid="import-steps" />
        {step === 0 && (
          <Card size="small">
            <Flex vertical gap={12}>
              <Space wrap>
                <Segmented<Kind> value={kind} onChange={setKind} options={kinds.map((k) => ({ value: k, label: t(`imp.kinds.${k}`) }))} data-testid="import-kind" />
                <Button icon={<DownloadOutlined />} onClick={() => void downloadFile(`/api/imports/templates/${kind}.xlsx`, {}, `${kind}-template.xlsx`).catch((e: Error) => message.error(e.message))}>
                  {t('imp.template')}
                </Button>
              </Space>
              <div data-testid="import-upload">
              <Upload.Dragger
                accept=".xlsx,.csv"
                multiple={false}
                showUploadList={false}
                disabled={busy}
                beforeUpload={(file) => {
                  void send(file);
                  return false;
                }}
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{busy ? t('imp.checking') : t('imp.drop')}</p>
                <p className="ant-upload-hint">{t('imp.dropHint')}</p>
              </Upload.Dragger>
              </div>
            </Flex>
          </Card>
        )}
        {report && step >= 1 && (
          <Card size="small" title={t('imp.reportTitle', { file: report.fileName ?? '' })} data-testid="import-report">
            <Flex vertical gap={12}>
              <Space size="large" wrap>
                <Statistic title={t('imp.rows')} value={report.totalRows} />
                <Statistic title={t('imp.validRows')} value={report.validRows} styles={{ content: { color: '#389e0d' } }} />
                <Statistic title={t('imp.problemRows')} value={report.problemRows} styles={{ content: report.problemRows ? { color: '#cf1322' } : undefined }} />
              </Space>
              <Descriptions column={1} size="small" bordered>
                <Descriptions.Item label={t('imp.matched')}>
                  <Space size={[4, 4]} wrap>
                    {Object.entries(report.columns.matched).map(([header, field]) => (
                      <Tag key={header} color="green" title={field}>
                        {header}
                      </Tag>
                    ))}
                  </Space>
                </Descriptions.Item>
                {report.columns.missing.length > 0 && (
                  <Descriptions.Item label={t('imp.missing')}>
                    <Space size={[4, 4]} wrap>
                      {report.columns.missing.map((c) => (
                        <Tag key={c} color="red">
                          {c}
                        </Tag>
                      ))}
                    </Space>
                  </Descriptions.Item>
                )}
                {report.columns.unknown.length > 0 && (
                  <Descriptions.Item label={t('imp.unknown')}>
                    <Space size={[4, 4]} wrap>
                      {report.columns.unknown.map((c) => (
                        <Tag key={c}>{c}</Tag>
                      ))}
                    </Space>
                  </Descriptions.Item>
                )}
              </Descriptions>
              {report.status === 'failed' && <Alert type="error" showIcon title={t('imp.failed')} />}
              {problems.length > 0 && (
                <ChartCard
                  title={t('imp.problems', { count: problems.length })}
                  testId="import-problems"
                  sheet={{ name: t('imp.problemsSheet'), header: [t('imp.row'), t('imp.column'), t('imp.problem')], rows: problems.map((p) => [p.row, p.column, p.message]) }}
                >
                  <Table
                    size="small"
                    rowKey={(p) => `${p.row}-${p.column}-${p.code}`}
                    dataSource={problems}
                    pagination={{ pageSize: 20, showSizeChanger: false }}
                    columns={[
                      { title: t('imp.row'), dataIndex: 'row', width: 80 },
                      { title: t('imp.column'), dataIndex: 'column', width: 160, render: (v: string | null) => v ?? '—' },
                      { title: t('imp.problem'), dataIndex: 'message' },
                    ]}
                  />
                </ChartCard>
              )}
              {report.status === 'validated' && (
                <Flex gap={8} align="center" wrap>
                  <Button type="primary" loading={busy} disabled={report.validRows === 0} onClick={() => void confirm()} data-testid="import-confirm">
                    {t('imp.confirm', { count: report.validRows })}
                  </Button>
                  <Button onClick={() => { setReport(null); setProblems([]); }}>{t('imp.again')}</Button>
                  <Typography.Text type="secondary">{report.problemRows ? t('imp.confirmHintProblems', { count: report.problemRows }) : t('imp.confirmHint')}</Typography.Text>
                </Flex>
              )}
              {report.status === 'failed' && <Button onClick={() => { setReport(null); setProblems([]); }}>{t('imp.again')}</Button>}
              {report.status === 'confirmed' && report.result && (
                <Result
                  status="success"
                  title={t('imp.done')}
                  subTitle={t('imp.resultText', report.result)}
                  extra={<Button type="primary" onClick={() => { setReport(null); setProblems([]); }}>{t('imp.another')}</Button>}
                  data-testid="import-result"
                />
              )}
            </Flex>
          </Card>
        )}
        <Typography.Title level={5}>{t('imp.history')}</Typography.Title>
        <TablePage<ImportReport> id="imports" columns={historyColumns} source={history} rowKey={(r) => r.id} exportName={t('imp.history')} reloadKey={reloadKey} pageSize={10} />
      </Flex>
    </PageLayout>
  );
}
