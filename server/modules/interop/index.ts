import type { LinliModule } from '../../platform/module.ts';
import { interopMessages } from './messages.ts';
import { open311Routes } from './open311-routes.ts';
import { deliverDue, fillOutbox } from './outbox.ts';
import { interopRoutes } from './routes.ts';

/** Interoperability: Open311 GeoReport v2 for outside apps, the 12345 hotline in both directions (docs/interop.md). */
export const interopModule: LinliModule = {
  name: 'interop',
  messages: interopMessages,
  routes: async (app, platform) => {
    await open311Routes(app, platform);
    await interopRoutes(app, platform);
  },
  tasks: (platform) => [
    { name: 'hotline.outbox', everySeconds: 10, run: async () => { await fillOutbox(platform); return deliverDue(platform); } },
  ],
  encryptedColumns: [
    { table: 'open311_request', idColumn: 'id', cipherColumn: 'reporter_enc', holds: 'Open311 reporter name, phone, email, device id' },
    { table: 'hotline_link', idColumn: 'id', cipherColumn: 'secret_enc', holds: 'hotline signing secret' },
  ],
};
