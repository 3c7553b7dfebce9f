import { Suspense, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Button, Dropdown, Grid, Layout, Menu, Spin, Tooltip, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import {
  CheckOutlined,
  EnvironmentOutlined,
  FontSizeOutlined,
  GlobalOutlined,
  LockOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  MoonOutlined,
  SunOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n';
import { MENU_GROUPS, SCREENS, screenAt } from './screens';
import { holds, useMe, useSession } from './session';
import { usePreferences } from './preferences';
import { scopeText } from './scope';

const { Sider, Header, Content } = Layout;
const COLLAPSED_KEY = 'linli.menuCollapsed';

/** The frame around every screen: side menu, header with organisation, scope and settings. */
export function Shell() {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const { token } = theme.useToken();
  const prefs = usePreferences();
  // below a laptop's width (tablets) the menu starts folded to icons; the choice is remembered
  const [collapsedByUser, setCollapsedByUser] = useState<boolean | null>(() => {
    const v = localStorage.getItem(COLLAPSED_KEY);
    return v === null ? null : v === '1';
  });
  const collapsed = collapsedByUser ?? !screens.lg;
  const toggle = () => {
    localStorage.setItem(COLLAPSED_KEY, collapsed ? '0' : '1');
    setCollapsedByUser(!collapsed);
  };

  const items = useMemo<MenuProps['items']>(() => {
    const groups = MENU_GROUPS.map((g) => ({
      group: g,
      children: SCREENS.filter((s) => s.group === g.key && s.menu !== false && holds(me, s.permission)).map((s) => ({ key: s.path, icon: s.icon, label: t(s.title) })),
    })).filter((g) => g.children.length > 0);
    // folded to icons there is no room for section titles: a divider separates the sections instead
    if (collapsed) return groups.flatMap((g, i) => [...(i > 0 ? [{ type: 'divider' as const, key: `divider-${g.group.key}` }] : []), ...g.children]);
    return groups.map((g) => ({ type: 'group' as const, key: g.group.key, label: t(g.group.title), children: g.children }));
  }, [me, t, collapsed]);
  const current = screenAt(location.pathname);

  const languageMenu: MenuProps['items'] = LANGUAGES.map((l) => ({
    key: l,
    label: LANGUAGE_NAMES[l],
    icon: l === prefs.language ? <CheckOutlined /> : <span className="menu-icon-space" />,
    onClick: () => prefs.setLanguage(l),
  }));
  const userMenu: MenuProps['items'] = [
    { key: 'who', disabled: true, label: <div className="user-menu-who">{me.displayName}<br /><Typography.Text type="secondary">{me.username}</Typography.Text></div> },
    { type: 'divider' },
    { key: 'password', icon: <LockOutlined />, label: t('shell.changePassword'), onClick: () => navigate('/password') },
    { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout'), onClick: () => void signOut() },
  ];

  return (
    <Layout className="shell">
      <Sider
        collapsible
        collapsed={collapsed}
        trigger={null}
        width={236}
        collapsedWidth={64}
        theme="light"
        className="shell-sider"
        style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}
      >
        <div className="shell-sider-inner">
        <div className="brand" onClick={() => navigate('/')} role="link" aria-label={t('app.name')}>
          <span className="brand-mark">{t('app.mark')}</span>
          {!collapsed && (
            <span className="brand-text">
              <strong>{t('app.name')}</strong>
              <small>{t('app.tagline')}</small>
            </span>
          )}
        </div>
        <Menu mode="inline" items={items} selectedKeys={current ? [current.path] : []} onClick={(e) => navigate(e.key)} className="shell-menu" data-testid="side-menu" />
        </div>
      </Sider>
      <Layout>
        <Header className="shell-header" style={{ background: token.colorBgContainer, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Button type="text" size="large" icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />} onClick={toggle} aria-label={t(collapsed ? 'shell.expandMenu' : 'shell.collapseMenu')} />
          <div className="shell-where" data-testid="shell-where">
            <Typography.Text strong ellipsis className="shell-org">{me.orgName}</Typography.Text>
            <Typography.Text type="secondary" ellipsis className="shell-scope">
              <EnvironmentOutlined /> {scopeText(me, t)}
            </Typography.Text>
          </div>
          <div className="shell-tools">
            <Tooltip title={t(prefs.textSize === 'large' ? 'shell.textNormal' : 'shell.textLarge')}>
              <Button type="text" size="large" icon={<FontSizeOutlined />} onClick={() => prefs.setTextSize(prefs.textSize === 'large' ? 'normal' : 'large')} aria-label={t('shell.textSize')} />
            </Tooltip>
            <Tooltip title={t(prefs.theme === 'dark' ? 'shell.lightMode' : 'shell.darkMode')}>
              <Button type="text" size="large" icon={prefs.theme === 'dark' ? <SunOutlined /> : <MoonOutlined />} onClick={() => prefs.setTheme(prefs.theme === 'dark' ? 'light' : 'dark')} aria-label={t('shell.theme')} data-testid="theme-switch" />
            </Tooltip>
            <Dropdown menu={{ items: languageMenu }} trigger={['click']}>
              <Button type="text" size="large" icon={<GlobalOutlined />} data-testid="language-switch">
                <span className="hide-narrow">{LANGUAGE_NAMES[prefs.language]}</span>
              </Button>
            </Dropdown>
            <Dropdown menu={{ items: userMenu }} trigger={['click']}>
              <Button type="text" size="large" icon={<UserOutlined />} data-testid="user-menu">
                <span className="hide-narrow">{me.displayName}</span>
              </Button>
            </Dropdown>
          </div>
        </Header>
        <Content className="shell-content">
          <Suspense fallback={<div className="content-loading"><Spin size="large" /></div>}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
