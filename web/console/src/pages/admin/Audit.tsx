import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Descriptions } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { AuditRecord, ChainReport } from '../../api/types';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, cursorSource, type TableColumn } from '../../components/TablePage';
import { usePermission } from '../../app/session';
import { auditActionLabel, chainReasonLabel, entityTypeLabel } from '../../i18n/labels';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, AUDIT_GROUPS, type AuditGroup } from './auditCodes';

interface Filters extends Record<string, unknown> {
  action?: string;
  entityType?: string;
  entityId?: string;
  period?: [Dayjs, Dayjs] | null;
}

const PAGE_MAX = 500;

/** The audit log, newest first, and a check of its hash chain (tamper evidence). */
export default function Audit() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canVerify = usePermission('audit.verify');
  const [verifying, setVerifying] = useState(false);
  const [report, setReport] = useState<ChainReport | null>(null);

  const source = useMemo(
    () =>
      cursorSource<AuditRecord, number, Filters>(async (f, beforeSeq, limit) => {
        const rows = await api.get<AuditRecord[]>('/api/audit', {
          action: f.action,
          entityType: f.entityType,
          entityId: f.entityId?.trim(),
          from: f.period?.[0]?.startOf('day').toISOString(),
          to: f.period?.[1]?.add(1, 'day').startOf('day').toISOString(),
          beforeSeq,
          limit,
        });
        return { rows, next: rows.length === limit ? rows[rows.length - 1].seq : null };
      }, PAGE_MAX),
    [],
  );

  const verify = async () => {
    setVerifying(true);
    try {
      setReport(await api.post<ChainReport>('/api/audit/verify'));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setVerifying(false);
    }
  };

  const grouped = (codes: Record<AuditGroup, string[]>, label: (code: string) => string) =>
    AUDIT_GROUPS.map((g) => ({ label: t(`audit.group.${g}`), options: codes[g].map((c) => ({ value: c, label: label(c) })) }));

  const actor = (r: AuditRecord) => r.actorName ?? (r.actorKind === 'system' ? t('audit.system') : r.actorKind === 'resident' ? t('audit.resident') : (r.actorId ?? ''));
  const columns: TableColumn<AuditRecord>[] = [
    { key: 'seq', title: t('audit.seq'), value: (r) => r.seq, width: 90 },
    { key: 'at', title: t('audit.at'), value: (r) => new Date(r.at), width: 170 },
    { key: 'actor', title: t('audit.actor'), value: actor },
    { key: 'org', title: t('audit.org'), value: (r) => r.orgName ?? '' },
    { key: 'action', title: t('audit.action'), value: (r) => auditActionLabel(r.action) },
    { key: 'entityType', title: t('audit.entityType'), value: (r) => entityTypeLabel(r.entityType) },
    { key: 'entityId', title: t('audit.entityId'), value: (r) => r.entityId ?? '', hidden: true },
    { key: 'ip', title: t('audit.ip'), value: (r) => r.ip ?? '' },
    { key: 'requestId', title: t('audit.requestId'), value: (r) => r.requestId ?? '', hidden: true },
    { key: 'details', title: t('audit.details'), value: (r) => (r.details ? JSON.stringify(r.details) : ''), hidden: true },
  ];

  return (
    <PageLayout
      description={t('audit.description')}
      actions={
        canVerify && (
          <Button type="primary" icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()} data-testid="audit-verify">
            {t('audit.verify')}
          </Button>
        )
      }
    >
      {report && (
        <Alert
          className="audit-report"
          data-testid="audit-report"
          type={report.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setReport(null) }}
          title={report.ok ? t('audit.chainOk') : t('audit.chainBroken')}
          description={
            report.ok
              ? t('audit.chainOkText', { sealed: report.sealed, pending: report.pending })
              : t('audit.chainBrokenText', { pos: report.firstBroken?.pos ?? '-', seq: report.firstBroken?.seq ?? '-', reason: chainReasonLabel(report.firstBroken?.reason ?? '') })
          }
        />
      )}
      <TablePage<AuditRecord, Filters>
        id="audit"
        columns={columns}
        filters={[
          { name: 'action', label: t('audit.action'), type: 'select', options: grouped(AUDIT_ACTIONS, auditActionLabel) },
          { name: 'entityType', label: t('audit.entityType'), type: 'select', options: grouped(AUDIT_ENTITIES, entityTypeLabel), width: 160 },
          { name: 'entityId', label: t('audit.entityId'), type: 'text', width: 220 },
          { name: 'period', label: t('audit.period'), type: 'dateRange' },
        ]}
        source={source}
        rowKey={(r) => String(r.seq)}
        exportName={t('screen.audit')}
        expandable={{
          rowExpandable: (r) => !!r.details || !!r.requestId,
          expandedRowRender: (r) => (
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('audit.entityId')}>{r.entityId ?? '-'}</Descriptions.Item>
              <Descriptions.Item label={t('audit.requestId')}>{r.requestId ?? '-'}</Descriptions.Item>
              <Descriptions.Item label={t('audit.details')}>
                <pre className="audit-details">{r.details ? JSON.stringify(r.details, null, 2) : '-'}</pre>
              </Descriptions.Item>
            </Descriptions>
          ),
        }}
      />
    </PageLayout>
  );
}
