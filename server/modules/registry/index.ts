import type { LinliModule } from '../../platform/module.ts';
import { loadRegistry } from './demo.ts';
import { registryMessages } from './messages.ts';
import { importRoutes } from './imports/routes.ts';
import { placeRoutes } from './places/routes.ts';
import { regionRoutes } from './regions/routes.ts';
import { residentRoutes } from './residents/routes.ts';

/** The registry: jurisdiction and grids, places (compounds, buildings, households) and people. */
export const registryModule: LinliModule = {
  name: 'registry',
  messages: registryMessages,
  routes: (app, platform) => {
    regionRoutes(app);
    placeRoutes(app);
    residentRoutes(app);
    importRoutes(app, platform);
  },
  demo: loadRegistry,
};
