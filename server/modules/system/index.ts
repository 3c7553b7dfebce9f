import type { LinliModule } from '../../platform/module.ts';
import { applyAuditRetention, sealPending } from '../../platform/audit/index.ts';
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
    {
      name: 'audit.retention',
      everySeconds: 86_400,
      run: async () => {
        const dropped = await applyAuditRetention(platform.db, platform.clock.now(), platform.config.auditRetentionMonths);
        if (dropped.length > 0) platform.log.info({ dropped, months: platform.config.auditRetentionMonths }, 'audit partitions past retention dropped');
      },
    },
  ],
};
