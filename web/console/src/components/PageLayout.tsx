import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Breadcrumb, Button, Flex, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { MENU_GROUPS, screenAt } from '../app/screens';

interface Props {
  /** defaults to the screen's title from the screen list */
  title?: ReactNode;
  /** one line under the title saying what the screen is for */
  description?: ReactNode;
  /** buttons on the right of the title */
  actions?: ReactNode;
  children: ReactNode;
}

/** Title, breadcrumb (首页 / section / screen), actions, and the browser tab's title. */
export function PageLayout({ title, description, actions, children }: Props) {
  const { t } = useTranslation();
  const screen = screenAt(useLocation().pathname);
  const heading = title ?? (screen ? t(screen.title) : '');
  useEffect(() => {
    document.title = `${typeof heading === 'string' && heading ? `${heading} · ` : ''}${t('app.name')}`;
  }, [heading, t]);
  const group = screen && screen.path !== '/' ? MENU_GROUPS.find((g) => g.key === screen.group) : undefined;
  return (
    <div className="page">
      {screen && screen.path !== '/' && (
        <Breadcrumb
          className="page-breadcrumb"
          items={[{ title: <Link to="/">{t('screen.home')}</Link> }, ...(group ? [{ title: t(group.title) }] : []), { title: heading }]}
        />
      )}
      <Flex justify="space-between" align="flex-start" gap={16} wrap className="page-head">
        <div>
          <Typography.Title level={3} className="page-title">
            {heading}
          </Typography.Title>
          {description && <Typography.Paragraph type="secondary" className="page-description">{description}</Typography.Paragraph>}
        </div>
        {actions && <Flex gap={8} wrap>{actions}</Flex>}
      </Flex>
      {children}
    </div>
  );
}

/** The page's "new …" button (top right). */
export function CreateButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button type="primary" icon={<PlusOutlined />} onClick={onClick}>
      {label}
    </Button>
  );
}
