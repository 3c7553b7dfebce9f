// `npm run migrate`: apply pending migrations to the configured database and exit.
import { withPlatform } from './cli.ts';

await withPlatform(async () => undefined);
console.log('migrations applied');
