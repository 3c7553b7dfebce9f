import type { LinliModule } from '../../platform/module.ts';
import { adminRoutes } from './admin.ts';
import { loadDemoCases } from './demo.ts';
import { casesMessages } from './messages.ts';
import { casesRoutes } from './routes.ts';
import { SWEEP_TASK, sweepDeadlines } from './sweeper.ts';

/** The case loop: intake, routing, workflow, deadlines and escalation, whistles, supervision, files. */
export const casesModule: LinliModule = {
  name: 'cases',
  messages: casesMessages,
  routes: (app) => {
    casesRoutes(app);
    adminRoutes(app);
  },
  tasks: (platform) => [{ name: SWEEP_TASK, everySeconds: 30, run: () => sweepDeadlines(platform) }],
  demo: loadDemoCases,
};
