import { AlertOutlined, EyeInvisibleOutlined, FormOutlined, FundOutlined, MoneyCollectOutlined, ScheduleOutlined, ShopOutlined, SlidersOutlined } from '@ant-design/icons';
import type { Screen } from '../../app/screens';

/**
 * Property oversight (物业监管), in menu order. Reading needs property.read; the actions on a screen
 * (run, card, acknowledge, record) are shown only with their own permission, and the API checks again.
 */
export const PROPERTY_SCREENS: Screen[] = [
  { path: '/property/companies', title: 'prop.screen.companies', group: 'property', icon: <ShopOutlined />, permission: 'property.read', load: () => import('./Companies') },
  { path: '/property/companies/:id', title: 'prop.screen.creditFile', group: 'property', icon: <ShopOutlined />, permission: 'property.read', menu: false, load: () => import('./CreditFile') },
  { path: '/property/inspections', title: 'prop.screen.inspections', group: 'property', icon: <FormOutlined />, permission: 'property.inspect', load: () => import('./Inspections') },
  { path: '/property/evaluations', title: 'prop.screen.evaluations', group: 'property', icon: <ScheduleOutlined />, permission: 'property.read', load: () => import('./Evaluations') },
  { path: '/property/warnings', title: 'prop.screen.warnings', group: 'property', icon: <AlertOutlined />, permission: 'property.read', load: () => import('./Warnings') },
  { path: '/property/fees', title: 'prop.screen.fees', group: 'property', icon: <MoneyCollectOutlined />, permission: 'property.read', load: () => import('./Fees') },
  { path: '/property/fund', title: 'prop.screen.fund', group: 'property', icon: <FundOutlined />, permission: 'property.read', load: () => import('./Fund') },
  { path: '/property/arrears', title: 'prop.screen.arrears', group: 'property', icon: <EyeInvisibleOutlined />, permission: 'property.arrears_confidential', load: () => import('./Arrears') },
  { path: '/property/standard', title: 'prop.screen.standard', group: 'property', icon: <SlidersOutlined />, permission: 'property.standard', load: () => import('./Standard') },
];
