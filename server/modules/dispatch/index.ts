import type { LinliModule } from '../../platform/module.ts';
import { dispatchMessages } from './messages.ts';
import { dispatchRoutes } from './routes.ts';
import { scheduledRetrain } from './service.ts';

/**
 * Smart dispatch. Part 1: the category classifier (suggestions for new reports, learning from the
 * categories dispatchers set). Each start loads the newest model; the first request that needs one
 * trains the first; a daily task retrains once dispatchers have taught it enough.
 */
export const dispatchModule: LinliModule = {
  name: 'dispatch',
  messages: dispatchMessages,
  routes: dispatchRoutes,
  tasks: (platform) => [{ name: 'classifier.retrain', everySeconds: 86_400, run: () => scheduledRetrain(platform) }],
};
