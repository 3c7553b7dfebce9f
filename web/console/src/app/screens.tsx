import type { ComponentType, ReactNode } from 'react';
import { ApartmentOutlined, AuditOutlined, HomeOutlined, KeyOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import { matchPath } from 'react-router';
import type { Permission } from './session';
// ---- command centre, registry and case-rule screens (icons) ----
import { BankOutlined, BranchesOutlined, CalendarOutlined, CloudUploadOutlined, DashboardOutlined, FieldTimeOutlined, GlobalOutlined, IdcardOutlined, TagsOutlined } from '@ant-design/icons';
import { CASE_SCREENS } from '../pages/cases/screens';
import { PROPERTY_SCREENS } from '../pages/property/screens';

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
  // ---- command centre, registry and case rules ----
  { key: 'command', title: 'dash.menu' },
  { key: 'registry', title: 'reg.menu' },
  { key: 'config', title: 'cfg.menu' },
  { key: 'property', title: 'prop.menu' },
  // ----
  { key: 'admin', title: 'menu.admin' },
] as const;
export type MenuGroup = (typeof MENU_GROUPS)[number]['key'];

export const SCREENS: Screen[] = [
  { path: '/', title: 'screen.home', group: 'workbench', icon: <HomeOutlined />, load: () => import('../pages/Home') },
  // the case loop's queues, intake, case screen and reply templates (pages/cases/screens.tsx)
  ...CASE_SCREENS,
  // ---- command centre, registry and case rules ----
  // the dashboard counts cases: every role holding metrics.read also holds case.read (the API checks both)
  { path: '/command', title: 'dash.title', group: 'command', icon: <DashboardOutlined />, permission: 'metrics.read', load: () => import('../pages/command/Dashboard') },
  { path: '/registry/map', title: 'reg.mapTitle', group: 'registry', icon: <GlobalOutlined />, permission: 'region.read', load: () => import('../pages/registry/GridMapPage') },
  { path: '/registry/places', title: 'reg.placesTitle', group: 'registry', icon: <BankOutlined />, permission: 'region.read', load: () => import('../pages/registry/Places') },
  { path: '/registry/residents', title: 'reg.residentsTitle', group: 'registry', icon: <IdcardOutlined />, permission: 'resident.read', load: () => import('../pages/registry/Residents') },
  { path: '/registry/imports', title: 'reg.importsTitle', group: 'registry', icon: <CloudUploadOutlined />, permission: ['resident.import', 'place.write'], load: () => import('../pages/registry/Imports') },
  { path: '/config/taxonomy', title: 'cfg.taxonomy', group: 'config', icon: <TagsOutlined />, permission: 'taxonomy.write', load: () => import('../pages/config/Taxonomy') },
  { path: '/config/routing', title: 'cfg.routing', group: 'config', icon: <BranchesOutlined />, permission: 'case.admin', load: () => import('../pages/config/RoutingRules') },
  { path: '/config/sla', title: 'cfg.sla', group: 'config', icon: <FieldTimeOutlined />, permission: 'case.admin', load: () => import('../pages/config/SlaRules') },
  { path: '/config/calendar', title: 'cfg.calendar', group: 'config', icon: <CalendarOutlined />, permission: 'case.admin', load: () => import('../pages/config/Calendar') },
  // property oversight: companies and credit files, inspections, evaluation, warnings, fees, fund (pages/property/screens.tsx)
  ...PROPERTY_SCREENS,
  // ----
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
