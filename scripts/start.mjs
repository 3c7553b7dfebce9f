// `npm start`: build the web apps if their sources changed since the last build, then run the server
// in this same process (TypeScript loaded through tsx), so signals reach it directly.
import { register } from 'tsx/esm/api';
import { buildWebIfStale } from './build-web.mjs';

// Vite sets NODE_ENV=production while it builds; the server must not inherit that and start in production mode
const nodeEnv = process.env.NODE_ENV;
await buildWebIfStale();
if (nodeEnv === undefined) delete process.env.NODE_ENV;
else process.env.NODE_ENV = nodeEnv;
register();
await import('../server/main.ts');
