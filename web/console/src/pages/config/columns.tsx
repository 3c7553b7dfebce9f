import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Button, Modal, Tag } from 'antd';
import type { FilterField, TableColumn } from '../../components/TablePage';
import type { useCategories } from './useCategories';

/** Pieces the case-rule tables share: the active/inactive column and filter, the edit button, the category filter. */
export function activeColumn<T extends { active: boolean }>(t: TFunction): TableColumn<T> {
  return {
    key: 'active',
    title: t('common.status'),
    value: (r) => (r.active ? t('common.active') : t('common.inactive')),
    render: (r) => (r.active ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>),
  };
}

export function editColumn<T>(t: TFunction, open: (row: T) => void): TableColumn<T> {
  return {
    key: 'actions',
    title: t('common.actions'),
    fixed: 'right',
    render: (r) => (
      <Button type="link" onClick={() => open(r)}>
        {t('common.edit')}
      </Button>
    ),
  };
}

export const activeFilter = (t: TFunction): FilterField => ({
  name: 'active',
  label: t('common.status'),
  type: 'select',
  width: 120,
  options: [
    { value: 'true', label: t('common.active') },
    { value: 'false', label: t('common.inactive') },
  ],
});

export const categoryFilter = (t: TFunction, categories: ReturnType<typeof useCategories>): FilterField => ({
  name: 'category',
  label: t('cfg.category'),
  type: 'select',
  width: 260,
  options: categories.options.flatMap((g) => g.options),
});

/** A rule's category matches the filter when it is the chosen category or one of its items. */
export const inCategory = (code: string, chosen: string | undefined) => !chosen || code === chosen || code.startsWith(`${chosen}.`);
/** A row matches the active filter ("true"/"false", or none). */
export const isActive = (active: boolean, chosen: string | undefined) => !chosen || String(active) === chosen;

/** The dialog a case rule is edited in: save runs the form's submission, cancel closes it. */
export function EditModal({ open, title, submitting, onSave, onClose, width = 640, children }: { open: boolean; title: string; submitting: boolean; onSave: () => void; onClose: () => void; width?: number; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} title={title} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={submitting} onOk={onSave} onCancel={onClose} width={width} forceRender>
      {children}
    </Modal>
  );
}
