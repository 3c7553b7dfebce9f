import type { LinliModule } from '../../platform/module.ts';
import { notificationRoutes } from './routes.ts';

/** Notifications: the unread list and the live stream (server-sent events). */
export const notificationsModule: LinliModule = { name: 'notifications', routes: notificationRoutes };
