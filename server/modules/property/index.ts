import { systemCtx } from '../../platform/context.ts';
import type { LinliModule } from '../../platform/module.ts';
import { loadPropertyDemo } from './demo.ts';
import { propertyMessages } from './messages.ts';
import { propertyRoutes } from './routes.ts';
import { computeWarnings } from './warnings.ts';

/** Property oversight: who manages what, credit scores and cards, early warnings, fees, the maintenance fund, public books. */
export const propertyModule: LinliModule = {
  name: 'property',
  routes: propertyRoutes,
  messages: propertyMessages,
  tasks: (platform) => [{ name: 'property.warnings', everySeconds: 6 * 3600, firstRunAfterSeconds: 600, run: () => computeWarnings(systemCtx(platform, 'property.warnings'), { kind: 'all' }) }],
  demo: loadPropertyDemo,
};
