import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { recentQuarters } from '../../api/property';
import { useAsync } from '../../components/useAsync';

const GRADE_COLORS: Record<string, string> = { AAA: 'green', AA: 'cyan', A: 'blue', B: 'gold', C: 'red' };

/** A grade as a coloured tag (a grade an administrator added is shown plain). */
export function GradeTag({ grade }: { grade: string | null | undefined }) {
  return grade ? <Tag color={GRADE_COLORS[grade] ?? 'default'}>{grade}</Tag> : <>—</>;
}

/** Yellow and red cards of the last 12 months. */
export function CardTags({ yellow, red }: { yellow: number; red: number }) {
  const { t } = useTranslation();
  return (
    <>
      {yellow > 0 && <Tag color="gold">{t('prop.cards.yellowCount', { count: yellow })}</Tag>}
      {red > 0 && <Tag color="red">{t('prop.cards.redCount', { count: red })}</Tag>}
      {yellow === 0 && red === 0 && '—'}
    </>
  );
}

/** The current and the seven quarters before it, for quarter pickers. */
export const quarterOptions = () => recentQuarters(8).map((q) => ({ value: q, label: q }));

/** Compounds run by a property company in the caller's oversight scope (a housing bureau: its region). */
export function useManagedCompounds() {
  return useAsync(() => api.get<{ id: string; name: string; companyName: string }[]>('/api/property/compounds', { managed: true }), []);
}
