import type { LinliModule } from '../../platform/module.ts';
import { residentMessages } from './messages.ts';
import { residentRoutes } from './routes.ts';

/**
 * What the resident page shows besides cases: the resident's home (verified or declared), public notices
 * (居务公开) with read receipts, and the community's service menu (群众点单), which staff publish.
 */
export const residentModule: LinliModule = { name: 'resident', messages: residentMessages, routes: residentRoutes };
