import type { LinliModule } from '../../platform/module.ts';
import { dashboardMessages } from './messages.ts';
import { dashboardRoutes } from './routes.ts';

/** The command centre's aggregate view of cases in scope, and the monthly report. */
export const dashboardModule: LinliModule = {
  name: 'dashboard',
  routes: dashboardRoutes,
  messages: dashboardMessages,
};
