import type { LinliModule } from '../../platform/module.ts';
import { usersMessages } from './messages.ts';
import { usersRoutes } from './routes.ts';

/** Organisations, staff accounts and roles. */
export const usersModule: LinliModule = { name: 'users', messages: usersMessages, routes: usersRoutes };
