import type { LinliModule } from '../../platform/module.ts';
import { notificationsMessages } from './messages.ts';
import { notificationRoutes } from './routes.ts';
import { smsNoticeJobs } from './sms.ts';

/** Notifications: the unread list, the live stream (server-sent events), and progress texts to residents who agreed. */
export const notificationsModule: LinliModule = { name: 'notifications', messages: notificationsMessages, routes: notificationRoutes, jobs: smsNoticeJobs };
