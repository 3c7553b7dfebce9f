import type { LinliModule } from '../platform/module.ts';
import { authModule } from './auth/index.ts';
import { dispatchModule } from './dispatch/index.ts';
import { integrationsModule } from './integrations/index.ts';
import { registryModule } from './registry/index.ts';
import { systemModule } from './system/index.ts';
import { usersModule } from './users/index.ts';
import { taxonomyModule } from './taxonomy/index.ts';
import { casesModule } from './cases/index.ts';
import { notificationsModule } from './notifications/index.ts';
import { metricsModule } from './metrics/index.ts';
import { privacyModule } from './privacy/index.ts';
import { interopModule } from './interop/index.ts';
import { residentModule } from './resident/index.ts';
import { propertyModule } from './property/index.ts';
import { dashboardModule } from './dashboard/index.ts';
import { consoleModule } from './console/index.ts';

/** The modules that make up Linli, in registration order. */
export const modules: LinliModule[] = [systemModule, authModule, usersModule, integrationsModule, registryModule, dispatchModule, taxonomyModule, notificationsModule, casesModule, metricsModule, privacyModule, interopModule, residentModule, propertyModule, dashboardModule, consoleModule];
