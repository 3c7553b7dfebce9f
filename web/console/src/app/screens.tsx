import type { ComponentType, ReactNode } from 'react';
import { ApartmentOutlined, AuditOutlined, HomeOutlined, KeyOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import { matchPath } from 'react-router';
import type { Permission } from './session';
import { CASE_SCREENS } from '../pages/cases/screens';

/**
 * Every screen of the console, in menu order. The router and the side menu are both built from this
 * list, so a screen declares once where it lives, what it is called and which permission it needs:
 * without it the entry is not in the menu and its address shows the no-permission page (and the API
 * refuses the data anyway). Screens are loaded on first visit (code-split).
 *
 * To add a screen: a page component under pages/, one entry here, its title in the three catalogs.
 */
export interface Screen {
  path: string;
  /** i18n key of the menu label and page title */
  title: string;
  group: MenuGroup;
  icon: ReactNode;
  permission?: Permission;
  /** false: a route without a menu entry or shortcut (a case's own screen) */
  menu?: false;
  load: () => Promise<{ default: ComponentType }>;
}

/** Menu sections, in order; a section with no visible screen is not shown. */
export const MENU_GROUPS = [
  { key: 'workbench', title: 'menu.workbench' },
  { key: 'cases', title: 'work.menu' },
  { key: 'admin', title: 'menu.admin' },
] as const;
export type MenuGroup = (typeof MENU_GROUPS)[number]['key'];

export const SCREENS: Screen[] = [
  { path: '/', title: 'screen.home', group: 'workbench', icon: <HomeOutlined />, load: () => import('../pages/Home') },
  // the case loop's queues, intake, case screen and reply templates (pages/cases/screens.tsx)
  ...CASE_SCREENS,
  {
    path: '/admin/orgs',
    title: 'screen.orgs',
    group: 'admin',
    icon: <ApartmentOutlined />,
    // reading organisations needs only region.read, but the screen is a tool for administrators
    permission: ['admin.orgs', 'admin.users'],
    load: () => import('../pages/admin/Orgs'),
  },
  { path: '/admin/users', title: 'screen.users', group: 'admin', icon: <TeamOutlined />, permission: 'admin.users', load: () => import('../pages/admin/Users') },
  { path: '/admin/roles', title: 'screen.roles', group: 'admin', icon: <SafetyCertificateOutlined />, permission: 'admin.roles', load: () => import('../pages/admin/Roles') },
  { path: '/admin/tokens', title: 'screen.tokens', group: 'admin', icon: <KeyOutlined />, permission: 'admin.integrations', load: () => import('../pages/admin/Tokens') },
  { path: '/admin/audit', title: 'screen.audit', group: 'admin', icon: <AuditOutlined />, permission: 'audit.read', load: () => import('../pages/admin/Audit') },
];

export function screenAt(pathname: string): Screen | undefined {
  return SCREENS.find((s) => s.path === pathname) ?? SCREENS.find((s) => s.path.includes(':') && matchPath(s.path, pathname)) ?? SCREENS.filter((s) => s.path !== '/' && pathname.startsWith(`${s.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}
