import { AlertOutlined, CheckSquareOutlined, FileAddOutlined, MessageOutlined, SearchOutlined, SendOutlined, ToolOutlined } from '@ant-design/icons';
import type { Screen } from '../../app/screens';

const queue = (name: 'dispatch' | 'handle' | 'verify' | 'watch') => () => import('./Queues').then((m) => ({ default: m.QUEUES[name] }));

/** The case loop's screens (menu section 案件办理), in menu order. */
export const CASE_SCREENS: Screen[] = [
  { path: '/cases/dispatch', title: 'work.screen.dispatch', group: 'cases', icon: <SendOutlined />, permission: ['case.register', 'case.dispatch'], load: queue('dispatch') },
  { path: '/cases/handle', title: 'work.screen.handle', group: 'cases', icon: <ToolOutlined />, permission: ['case.handle', 'case.check_in'], load: queue('handle') },
  { path: '/cases/verify', title: 'work.screen.verify', group: 'cases', icon: <CheckSquareOutlined />, permission: 'case.verify', load: queue('verify') },
  { path: '/cases/watch', title: 'work.screen.watch', group: 'cases', icon: <AlertOutlined />, permission: ['case.supervise', 'case.whistle'], load: queue('watch') },
  { path: '/cases/new', title: 'work.screen.intake', group: 'cases', icon: <FileAddOutlined />, permission: 'case.create', load: () => import('./Intake') },
  { path: '/cases', title: 'work.screen.search', group: 'cases', icon: <SearchOutlined />, permission: 'case.read', load: () => import('./Search') },
  { path: '/cases/templates', title: 'work.screen.templates', group: 'cases', icon: <MessageOutlined />, permission: 'case.templates', load: () => import('./Templates') },
  { path: '/cases/:id', title: 'work.screen.case', group: 'cases', icon: <SearchOutlined />, permission: 'case.read', menu: false, load: () => import('./CaseView') },
  { path: '/cases/:id/print', title: 'work.screen.print', group: 'cases', icon: <SearchOutlined />, permission: 'case.read', menu: false, load: () => import('./PrintSheet') },
];
