// `npm run citus:ddl [-- --shards N]`: prints the statements that distribute a migrated Linli database
// with Citus by district (docs/scaling.md §6), from the classification in server/db/distribution.ts
// that server/db/district-keys.test.ts checks against the schema.
import { parseArgs } from 'node:util';
import { citusDdl } from '../server/db/distribution.ts';

const { values } = parseArgs({ options: { shards: { type: 'string', default: '32' } }, strict: true });
const shards = Number(values.shards);
if (!Number.isInteger(shards) || shards < 1 || shards > 4096) {
  console.error('--shards must be a whole number from 1 to 4,096');
  process.exit(1);
}
process.stdout.write(citusDdl(shards));
