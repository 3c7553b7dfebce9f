import type { LinliModule } from '../../platform/module.ts';
import { sealPending } from '../../platform/audit/index.ts';
import { systemRoutes } from './routes.ts';
import { ensurePartitions, purgeExpired } from './service.ts';

/** Health, audit log and chain verification, and the platform's own background tasks. */
export const systemModule: LinliModule = {
  name: 'system',
  routes: systemRoutes,
  tasks: (platform) => [
    { name: 'audit.seal', everySeconds: 2, run: () => sealPending(platform.db) },
    { name: 'jobs.deliver', everySeconds: 2, run: () => platform.jobs.runDue() },
    { name: 'partitions.ensure', everySeconds: 86_400, run: () => ensurePartitions(platform) },
    { name: 'housekeeping.purge', everySeconds: 3_600, run: () => purgeExpired(platform) },
  ],
};
