import type { LinliModule } from '../../platform/module.ts';
import { loadRegistry } from './demo.ts';

/** The registry: jurisdiction and grids, places (compounds, buildings, households) and people. */
export const registryModule: LinliModule = {
  name: 'registry',
  demo: loadRegistry,
};
