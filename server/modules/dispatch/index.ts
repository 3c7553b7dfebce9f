import type { LinliModule } from '../../platform/module.ts';
import { dispatchMessages } from './messages.ts';
import { dispatchRoutes } from './routes.ts';
import { ensureModel, scheduledRetrain } from './service.ts';
import { systemCtx } from '../../platform/context.ts';

/**
 * Smart dispatch: the category classifier (suggestions for new reports, learning from the categories
 * dispatchers set). Each start loads the newest model, and a first start trains one in the background
 * (a request arriving before it is ready waits for it); a daily task retrains once dispatchers have
 * taught it enough.
 */
export const dispatchModule: LinliModule = {
  name: 'dispatch',
  messages: dispatchMessages,
  routes: dispatchRoutes,
  onStarted: (platform) => ensureModel(systemCtx(platform, 'classifier')),
  tasks: (platform) => [{ name: 'classifier.retrain', everySeconds: 86_400, run: () => scheduledRetrain(platform) }],
};
