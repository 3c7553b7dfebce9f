import type { LinliModule } from '../../platform/module.ts';
import { authRoutes } from './routes.ts';

export const authModule: LinliModule = { name: 'auth', routes: authRoutes };
