import type { LinliModule } from '../../platform/module.ts';
import { privacyMessages } from './messages.ts';
import { privacyRoutes } from './routes.ts';

/**
 * Personal information requests (PIPL): a copy of everything held about a person, deletion on
 * request with the legal holds that block it, and the four-eyes rule on bulk unmasked exports.
 */
export const privacyModule: LinliModule = {
  name: 'privacy',
  messages: privacyMessages,
  routes: privacyRoutes,
};
