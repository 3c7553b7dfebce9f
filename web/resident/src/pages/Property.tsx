import { useState } from 'react';
import { Button, Card, Dialog, Empty, Form, List, ProgressBar, Rate, Tabs, Tag, TextArea, Toast } from 'antd-mobile';
import { api, errorText } from '../lib/api';
import { uuid } from '../lib/ids';
import { usePrefs } from '../lib/prefs';
import { useLoad } from '../lib/useLoad';
import { Loading } from '../components/Loading';
import type { Key } from '../i18n';

interface Mine {
  compoundName: string; governanceModel: string; isOwner: boolean; ratedThisQuarter: boolean;
  company: { id: string; name: string; latestScore: { quarter: string; total: number; grade: string } | null } | null;
  contract: { startsOn: string; endsOn: string; starLevel: number; feeRates: Record<string, number> } | null;
  ratingItems: { code: string; nameZh: string; nameEn: string }[];
}
interface Bill {
  areaM2: number | null; dueFen: number; paidFen: number; arrearsFen: number;
  charges: { period: string; area_m2: number; rate_fen: number; amount_fen: number }[];
  payments: { paid_on: string; amount_fen: number; method: string; reference: string | null }[];
}
interface Tally { eligibleHouseholds: number; eligibleArea: number; votedHouseholds: number; votedArea: number; agreeHouseholds: number; agreeArea: number; participationMet: boolean; approvalMet: boolean }
interface Proposal {
  id: string; title: string; description: string; budget_fen: number; quotes: { vendor: string; amountFen: number }[]; status: 'voting' | 'approved' | 'rejected' | 'spent';
  voting_closes_at: string | null; tally: Tally | null; spent_fen: number | null; invoices: { number: string; amountFen: number; issuedOn: string }[] | null; myVote: string | null;
}
interface Books { statements: { id: string; quarter: string; income_fen: number; spending: { item: string; amountFen: number }[]; note: string | null }[]; proposals: Proposal[] }
interface Ranking { quarter: string | null; companies: { rank: number; companyId: string; name: string; total: number; grade: string; yellowCards: number; redCards: number }[] }

/** fen as yuan with thousands grouped: a budget of 380,000.00 is read at a glance */
const yuan = (fen: number) => (fen / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 我的物业: my property company and its grade, rating it, my fee bill, fund proposals with voting, the public books. */
export default function Property() {
  const { t } = usePrefs();
  const [tab, setTab] = useState('company');
  return (
    <Tabs activeKey={tab} onChange={setTab} className="property-tabs">
      <Tabs.Tab title={t('property.tabs.company')} key="company"><CompanyTab /></Tabs.Tab>
      <Tabs.Tab title={t('property.tabs.bill')} key="bill"><BillTab /></Tabs.Tab>
      <Tabs.Tab title={t('property.tabs.books')} key="books"><BooksTab /></Tabs.Tab>
    </Tabs>
  );
}

function CompanyTab() {
  const { t } = usePrefs();
  const mine = useLoad(() => api.get<Mine>('/api/resident/property'), []);
  const ranking = useLoad(() => api.get<Ranking>('/api/public/property/rankings'), []);
  if (!mine.data) return <Loading error={mine.error} retry={mine.reload} />;
  const m = mine.data;
  return (
    <>
      <Card title={m.compoundName} className="property-card" data-testid="my-company">
        <List>
          <List.Item extra={m.company?.name ?? t('property.selfManaged')}>{t('property.company')}</List.Item>
          {m.company && <List.Item extra={m.company.latestScore ? `${m.company.latestScore.grade} · ${m.company.latestScore.total}（${m.company.latestScore.quarter}）` : t('property.noScore')}>{t('property.grade')}</List.Item>}
          <List.Item extra={m.governanceModel}>{t('property.governance')}</List.Item>
          {m.contract && <List.Item extra={`${'★'.repeat(m.contract.starLevel)} · ${yuan(m.contract.feeRates.residential ?? 0)} ${t('property.perM2')}`} description={`${m.contract.startsOn} — ${m.contract.endsOn}`}>{t('property.contract')}</List.Item>}
        </List>
      </Card>
      {m.company && <RateCard mine={m} onRated={mine.reload} />}
      <Card title={t('property.ranking', { quarter: ranking.data?.quarter ?? '' })} className="property-card" data-testid="ranking">
        {ranking.data && !ranking.data.companies.length && <Empty description={t('property.noRanking')} />}
        <List>
          {(ranking.data?.companies ?? []).slice(0, 20).map((c) => (
            <List.Item key={c.companyId} prefix={<span className="rank">{c.rank}</span>} extra={<Tag color={c.total < 60 ? 'danger' : 'primary'} fill="outline">{c.grade} {c.total}</Tag>}
              description={c.yellowCards || c.redCards ? t('property.cards', { yellow: c.yellowCards, red: c.redCards }) : undefined}>
              {c.companyId === m.company?.id ? <strong>{c.name}</strong> : c.name}
            </List.Item>
          ))}
        </List>
      </Card>
    </>
  );
}

function RateCard({ mine, onRated }: { mine: Mine; onRated: () => void }) {
  const { t, lang } = usePrefs();
  const [busy, setBusy] = useState(false);
  const [key] = useState(uuid);
  if (!mine.isOwner) return <Card className="property-card"><p className="muted">{t('property.ownersOnly')}</p></Card>;
  if (mine.ratedThisQuarter) return <Card className="property-card" data-testid="rated"><p>{t('property.rated')}</p></Card>;
  const submit = async (v: Record<string, number | string | undefined>) => {
    const scores = mine.ratingItems.map((i) => ({ code: i.code, score: Number(v[i.code] ?? 0) }));
    if (scores.some((s) => s.score < 1)) return Toast.show({ content: t('property.rateAll') });
    setBusy(true);
    try {
      await api.post('/api/resident/property/ratings', { scores, comment: (v.comment as string) || null }, key);
      Toast.show({ content: t('property.thanks') });
      onRated();
    } catch (e) {
      Toast.show({ content: errorText(e, t('networkError')) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('property.rateTitle')} className="property-card" data-testid="rate-form">
      <p className="muted">{t('property.rateHint')}</p>
      <Form layout="vertical" onFinish={submit} footer={<Button block type="submit" color="primary" size="large" loading={busy}>{t('property.submitRating')}</Button>}>
        {mine.ratingItems.map((i) => (
          <Form.Item key={i.code} name={i.code} label={lang === 'en' ? i.nameEn : i.nameZh}>
            <Rate allowClear={false} aria-label={lang === 'en' ? i.nameEn : i.nameZh} />
          </Form.Item>
        ))}
        <Form.Item name="comment" label={t('property.comment')}><TextArea maxLength={500} showCount rows={2} /></Form.Item>
      </Form>
    </Card>
  );
}

function BillTab() {
  const { t } = usePrefs();
  const bill = useLoad(() => api.get<Bill>('/api/resident/property/bill'), []);
  if (!bill.data) return <Loading error={bill.error} retry={bill.reload} />;
  const b = bill.data;
  return (
    <>
      <Card className="property-card" data-testid="my-bill">
        <div className="bill-sum">
          <div><span className="muted">{t('property.due')}</span><strong>{yuan(b.dueFen)}</strong></div>
          <div><span className="muted">{t('property.paid')}</span><strong>{yuan(b.paidFen)}</strong></div>
          <div><span className="muted">{t('property.arrears')}</span><strong className={b.arrearsFen > 0 ? 'danger' : undefined}>{yuan(b.arrearsFen)}</strong></div>
        </div>
        <p className="muted">{t('property.billHint', { area: b.areaM2 ?? '—' })}</p>
      </Card>
      <List header={t('property.charges')}>
        {!b.charges.length && <List.Item>{t('property.none')}</List.Item>}
        {b.charges.map((c) => <List.Item key={c.period} extra={yuan(c.amount_fen)} description={t('property.chargeLine', { area: c.area_m2, rate: yuan(c.rate_fen) })}>{c.period}</List.Item>)}
      </List>
      <List header={t('property.payments')}>
        {!b.payments.length && <List.Item>{t('property.none')}</List.Item>}
        {b.payments.map((p, i) => <List.Item key={i} extra={yuan(p.amount_fen)} description={[t(`property.method.${p.method}` as Key), p.reference].filter(Boolean).join(' · ')}>{p.paid_on}</List.Item>)}
      </List>
    </>
  );
}

function BooksTab() {
  const { t } = usePrefs();
  const books = useLoad(() => api.get<Books>('/api/resident/property/books'), []);
  if (!books.data) return <Loading error={books.error} retry={books.reload} />;
  const { statements, proposals } = books.data;
  return (
    <>
      <List header={t('property.fund')}>{!proposals.length && <List.Item>{t('property.none')}</List.Item>}</List>
      {proposals.map((p) => <ProposalCard key={p.id} p={p} onVoted={books.reload} />)}
      <List header={t('property.statements')}>
        {!statements.length && <List.Item>{t('property.none')}</List.Item>}
        {statements.map((s) => (
          <List.Item key={s.id} description={<>{s.spending.map((x, i) => <div key={i}>{x.item}：{yuan(x.amountFen)}</div>)}{s.note && <div>{s.note}</div>}</>}
            extra={t('property.income', { amount: yuan(s.income_fen) })}>{s.quarter}</List.Item>
        ))}
      </List>
    </>
  );
}

function ProposalCard({ p, onVoted }: { p: Proposal; onVoted: () => void }) {
  const { t, lang } = usePrefs();
  const [key] = useState(uuid);
  const open = p.status === 'voting' && p.voting_closes_at !== null && new Date(p.voting_closes_at).getTime() > Date.now();
  const vote = async (choice: 'agree' | 'disagree' | 'abstain') => {
    const ok = await Dialog.confirm({ content: t('property.voteConfirm', { choice: t(`property.choice.${choice}` as Key) }), confirmText: t('property.vote'), cancelText: t('back') });
    if (!ok) return;
    try {
      await api.post('/api/resident/property/votes', { proposalId: p.id, choice }, key);
      Toast.show({ content: t('property.voted') });
      onVoted();
    } catch (e) {
      Toast.show({ content: errorText(e, t('networkError')) });
    }
  };
  const pct = (a: number, b: number) => (b ? Math.round((a / b) * 100) : 0);
  return (
    <Card title={p.title} extra={<Tag color={p.status === 'approved' || p.status === 'spent' ? 'success' : p.status === 'rejected' ? 'danger' : 'primary'}>{t(`property.status.${p.status}` as Key)}</Tag>} className="property-card" data-testid="fund-proposal">
      <p>{p.description}</p>
      <p className="muted">{t('property.budget', { amount: yuan(p.budget_fen) })} · {p.quotes.map((q) => `${q.vendor} ${yuan(q.amountFen)}`).join('；')}</p>
      {p.voting_closes_at && <p className="muted">{t('property.closes', { at: new Date(p.voting_closes_at).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' }) })}</p>}
      {p.tally && (
        <div className="tally">
          <div>{t('property.participation', { voted: p.tally.votedHouseholds, total: p.tally.eligibleHouseholds })}</div>
          <ProgressBar percent={pct(p.tally.votedHouseholds, p.tally.eligibleHouseholds)} />
          <div>{t('property.agreeLine', { agree: p.tally.agreeHouseholds, voted: p.tally.votedHouseholds, area: p.tally.agreeArea, votedArea: p.tally.votedArea })}</div>
          <ProgressBar percent={pct(p.tally.agreeHouseholds, p.tally.votedHouseholds)} style={{ '--fill-color': 'var(--adm-color-success)' }} />
        </div>
      )}
      {p.spent_fen != null && <p>{t('property.spent', { amount: yuan(p.spent_fen) })}{p.invoices?.length ? ` · ${t('property.invoices', { count: p.invoices.length })}` : ''}</p>}
      {p.myVote && <p><Tag color="success">{t('property.myVote', { choice: t(`property.choice.${p.myVote}` as Key) })}</Tag></p>}
      {open && !p.myVote && (
        <div className="vote-buttons">
          <Button color="success" size="large" onClick={() => void vote('agree')}>{t('property.choice.agree')}</Button>
          <Button color="danger" size="large" onClick={() => void vote('disagree')}>{t('property.choice.disagree')}</Button>
          <Button size="large" onClick={() => void vote('abstain')}>{t('property.choice.abstain')}</Button>
        </div>
      )}
    </Card>
  );
}
