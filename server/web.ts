import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from './platform/module.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
export const consoleDist = `${root}web/console/dist`;
export const residentDist = `${root}web/resident/dist`;

/**
 * Serves the built staff console at / and the resident page at /m/ (single-page apps: unknown paths
 * under them get index.html). Built by `npm start` / `npm install` (scripts/build-web.mjs).
 */
export async function serveWeb(app: App): Promise<(method: string, url: string) => string | null> {
  const apps = [
    { prefix: '/m/', dir: residentDist },
    { prefix: '/', dir: consoleDist },
  ].filter((a) => existsSync(`${a.dir}/index.html`));
  for (const a of apps) {
    await app.register(fastifyStatic, { root: a.dir, prefix: a.prefix, decorateReply: a.prefix === '/', index: ['index.html'], wildcard: false, cacheControl: false,
      setHeaders: (res, file) => {
        // hashed asset names may be cached for a year; index.html must always be fresh
        res.header('cache-control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      } });
  }
  const indexes = apps.map((a) => ({ prefix: a.prefix, html: readFileSync(`${a.dir}/index.html`, 'utf8') }));
  /** the page to answer an unknown path with, if it is a page of one of the apps */
  return (method: string, url: string): string | null => {
    const isPage = method === 'GET' && !url.startsWith('/api/') && !url.startsWith('/open311/') && !/\.[a-z0-9]{2,5}(\?|$)/i.test(url);
    if (!isPage) return null;
    return indexes.find((i) => url.startsWith(i.prefix) || url === i.prefix.slice(0, -1))?.html ?? null;
  };
}
