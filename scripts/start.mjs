// `npm start`: build the web apps if their sources changed since the last build, then run the server
// in this same process (TypeScript loaded through tsx), so signals reach it directly.
import { register } from 'tsx/esm/api';
import { buildWebIfStale } from './build-web.mjs';

await buildWebIfStale();
register();
await import('../server/main.ts');
