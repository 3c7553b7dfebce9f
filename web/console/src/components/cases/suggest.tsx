import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Flex, Tag, Tooltip, Typography } from 'antd';
import { BulbOutlined } from '@ant-design/icons';
import { classify, type Suggestion } from '../../api/cases';

/** The classifier's suggestions for a text, asked again when the text settles (half a second after typing stops). */
export function useSuggestions(text: string | undefined) {
  const [list, setList] = useState<Suggestion[]>([]);
  useEffect(() => {
    const s = text?.trim() ?? '';
    if (s.length < 4) {
      setList([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      classify(s.slice(0, 5000)).then((r) => live && setList(r.suggestions)).catch(() => undefined);
    }, 500);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);
  return list;
}

/** Suggested categories as chips: the name, the confidence, and on hover the words that led to it. */
export function SuggestionChips({ suggestions, name, onPick }: { suggestions: Suggestion[]; name: (code: string) => string; onPick?: (code: string) => void }) {
  const { t } = useTranslation();
  if (!suggestions.length) return null;
  return (
    <Flex gap={6} wrap align="center" data-testid="suggestions">
      <Typography.Text type="secondary">
        <BulbOutlined /> {t('work.suggest.label')}
      </Typography.Text>
      {suggestions.map((s) => {
        const code = s.subCategory ?? s.category;
        return (
          <Tooltip key={s.category} title={t('work.suggest.why', { terms: s.terms.join('、') || '—' })}>
            <Tag color="processing" className={onPick ? 'clickable' : undefined} onClick={() => onPick?.(code)} data-testid="suggestion">
              {name(s.category)}
              {s.subCategory ? ` · ${name(s.subCategory)}` : ''} {Math.round(s.confidence * 100)}%
            </Tag>
          </Tooltip>
        );
      })}
    </Flex>
  );
}
