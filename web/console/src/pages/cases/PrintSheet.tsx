import { useParams, Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Button, Flex, Result, Spin } from 'antd';
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useMe } from '../../app/session';
import { channelLabel, clockLabel, deadlineLabel, fmt, statusLabel, typeLabel, useTaxonomy } from '../../components/cases/common';
import { useCase } from './CaseView';

/**
 * The case sheet (派单单) for units that still work on paper: the case, where, who reported it
 * (masked), who sends it to whom, the deadlines, photos, and blank lines for the handling result and
 * signatures. The console's frame is left out when printing (styles.css, @media print).
 */
export default function PrintSheet() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const tax = useTaxonomy();
  const { c, error } = useCase(id);
  if (error) return <Result status="404" title={t('work.case.notFound')} />;
  if (!c) return <div className="content-loading"><Spin size="large" /></div>;
  const handle = [...c.deadlines].reverse().find((d) => d.kind === 'handle');
  const response = [...c.deadlines].reverse().find((d) => d.kind === 'response');
  const photos = c.attachments.filter((a) => a.kind === 'before' && a.mime.startsWith('image/')).slice(0, 4);
  const dispatch = [...c.events].reverse().find((e) => e.type === 'dispatch' || e.type === 'reassign');
  const row = (label: string, value: React.ReactNode, wide = false) => (
    <>
      <th>{label}</th>
      <td colSpan={wide ? 3 : 1}>{value}</td>
    </>
  );
  return (
    <div className="print-page">
      <Flex justify="space-between" className="no-print print-tools">
        <Link to={`/cases/${c.id}`}>
          <Button icon={<ArrowLeftOutlined />}>{t('work.print.back')}</Button>
        </Link>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="print-now">
          {t('work.print.print')}
        </Button>
      </Flex>
      <article className="print-sheet" data-testid="print-sheet">
        <h1>{t('work.print.title')}</h1>
        <div className="print-meta">
          <span>{t('work.print.issuer', { org: c.dispatchOrgName ?? me.orgName })}</span>
          <span>{t('work.field.caseNo')}：{c.caseNo}</span>
        </div>
        <table>
          <tbody>
            <tr>{row(t('work.field.title'), c.title, true)}</tr>
            <tr>
              {row(t('work.field.category'), tax.name(c.category) || c.categoryName)}
              {row(t('work.field.type'), typeLabel(c.type))}
            </tr>
            <tr>
              {row(t('work.field.channel'), channelLabel(c.channel))}
              {row(t('work.field.reportedAt'), fmt(c.reportedAt))}
            </tr>
            <tr>
              {row(t('work.field.reporter'), c.reporter.anonymous ? t('work.case.anonymous') : [c.reporter.name, c.reporter.phone].filter(Boolean).join(' ') || '—')}
              {row(t('work.field.priority'), t(`work.priority.${c.priority}`))}
            </tr>
            <tr>{row(t('work.field.address'), c.location?.address ?? '—', true)}</tr>
            <tr>{row(t('work.field.description'), <div className="print-text">{c.description}</div>, true)}</tr>
            <tr>
              {row(t('work.field.dispatcher'), c.dispatchOrgName ?? '—')}
              {row(t('work.field.unit'), c.assignedOrgName ?? '—')}
            </tr>
            <tr>
              {row(t('work.print.dispatchedAt'), fmt(dispatch?.at ?? c.dispatchedAt))}
              {row(t('work.field.status'), statusLabel(c.status))}
            </tr>
            <tr>
              {row(deadlineLabel('response'), response ? `${fmt(response.dueAt)}（${clockLabel(response.clock)}）` : '—')}
              {row(deadlineLabel('handle'), handle ? `${fmt(handle.dueAt)}（${clockLabel(handle.clock)}）` : '—')}
            </tr>
            {dispatch?.note && <tr>{row(t('work.print.instructions'), dispatch.note, true)}</tr>}
            <tr>{row(t('work.print.result'), <div className="print-blank" />, true)}</tr>
            <tr>
              {row(t('work.print.handler'), <div className="print-sign" />)}
              {row(t('work.print.handledAt'), <div className="print-sign">{t('work.print.dateBlank')}</div>)}
            </tr>
            <tr>
              {row(t('work.print.verifier'), <div className="print-sign" />)}
              {row(t('work.print.receiver'), <div className="print-sign" />)}
            </tr>
          </tbody>
        </table>
        {photos.length > 0 && (
          <div className="print-photos">
            {photos.map((p) => (
              <img key={p.id} src={`/api/files/${p.id}`} alt={t('work.field.photosBefore')} />
            ))}
          </div>
        )}
        <footer>{t('work.print.footer', { at: dayjs().format('YYYY-MM-DD HH:mm'), user: me.displayName })}</footer>
      </article>
    </div>
  );
}
