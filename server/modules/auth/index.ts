import type { LinliModule } from '../../platform/module.ts';
import { normalizePhone } from '../../platform/pii/index.ts';
import { authRoutes } from './routes.ts';

export const authModule: LinliModule = {
  name: 'auth',
  routes: authRoutes,
  encryptedColumns: [
    {
      table: 'resident_account',
      idColumn: 'id',
      cipherColumn: 'phone_enc',
      index: { column: 'phone_hash', purpose: 'phone', normalize: normalizePhone },
      holds: 'the mobile phone a resident signs in with',
    },
  ],
};
