import type { LinliModule } from '../../platform/module.ts';
import { consoleMessages } from './messages.ts';
import { consoleRoutes } from './routes.ts';

/** What the staff console needs beyond the case loop: saved queue views, reply templates, the watch list, clocks. */
export const consoleModule: LinliModule = { name: 'console', messages: consoleMessages, routes: consoleRoutes };
