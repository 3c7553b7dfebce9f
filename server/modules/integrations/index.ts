import type { LinliModule } from '../../platform/module.ts';
import { integrationsRoutes } from './routes.ts';

/** API tokens for outside systems: named, scoped, revocable, stored hashed. */
export const integrationsModule: LinliModule = { name: 'integrations', routes: integrationsRoutes };
