import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { FileOutline, HeartOutline, TeamOutline } from 'antd-mobile-icons';
import type { Key } from './i18n';

/**
 * Sections beyond reporting that the home screen offers, each its own chunk loaded on first visit.
 * A module with something for residents (micro-wishes, topics and votes, volunteering …) adds one entry:
 * a path under /m/, its title and one-line hint (i18n keys), an icon, and its page.
 */
export interface Plugin {
  path: string;
  title: Key;
  hint: Key;
  icon: typeof FileOutline;
  page: LazyExoticComponent<ComponentType>;
}

export const PLUGINS: Plugin[] = [
  { path: '/notices', title: 'notices.title', hint: 'notices.hint', icon: FileOutline, page: lazy(() => import('./pages/Notices')) },
  { path: '/property', title: 'property.title', hint: 'property.hint', icon: TeamOutline, page: lazy(() => import('./pages/Property')) },
  { path: '/services', title: 'services.title', hint: 'services.hint', icon: HeartOutline, page: lazy(() => import('./pages/Services')) },
];
