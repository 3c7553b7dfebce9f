import type { LinliModule } from '../../platform/module.ts';
import { dispatchMessages } from './messages.ts';
import { dispatchRoutes } from './routes.ts';
import { ensureModel, scheduledRetrain } from './service.ts';

/**
 * Smart dispatch. Part 1: the category classifier (suggestions for new reports, learning from the
 * categories dispatchers set). Its model is trained with the demo city (so a fresh demo starts with
 * one), otherwise at the first start; each start loads the newest, a daily task retrains.
 */
export const dispatchModule: LinliModule = {
  name: 'dispatch',
  messages: dispatchMessages,
  routes: dispatchRoutes,
  tasks: (platform) => [{ name: 'classifier.retrain', everySeconds: 86_400, run: () => scheduledRetrain(platform) }],
  demo: (ctx) => ensureModel(ctx),
};
