import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { DEMO_PASSWORD } from '../../server/demo/load.ts';
import type { Config } from '../../server/config.ts';

export { DEMO_PASSWORD };

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = process.env.LINLI_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export interface Browser {
  server: TestServer;
  base: string;
  context: BrowserContext;
  page: Page;
  /** uncaught errors in the page: a test ends by checking there were none */
  pageErrors: string[];
  /** another signed-out browser profile against the same server (a second person) */
  newContext(opts?: ContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

interface ContextOptions {
  locale?: string;
  viewport?: { width: number; height: number };
}

/**
 * The real server on a free local port, on a fresh copy of the demo database, serving the built
 * console; and Chromium with a fresh profile pointed at it.
 */
export async function startBrowser(opts: ContextOptions & { config?: Partial<Config> } = {}): Promise<Browser> {
  const server = await startTestServer({ clock: 'system', web: true, logLevel: 'warn', config: opts.config });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not listen on a TCP port');
  const base = `http://127.0.0.1:${address.port}`;
  const profiles: string[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  const newContext = async (o: ContextOptions = {}) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-chromium-'));
    profiles.push(dir);
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      locale: o.locale ?? opts.locale ?? 'zh-CN',
      viewport: o.viewport ?? opts.viewport ?? { width: 1440, height: 900 },
      baseURL: base,
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.setDefaultTimeout(20_000);
    return { context, page };
  };

  const first = await newContext();
  return {
    server,
    base,
    ...first,
    pageErrors,
    newContext,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      for (const d of profiles) rmSync(d, { recursive: true, force: true });
      await server.close();
    },
  };
}

/**
 * Clicks an entry of an open Ant Design popup (a select's list, a dropdown menu). A click while the
 * popup is still sliding open is lost (it stays open), and the closing popup covers what lies below
 * it (a dialog's buttons): so wait for the opening motion to end before the click, and for the popup
 * to close after it.
 */
async function clickInPopup(page: Page, popup: string, entry: Locator) {
  const list = page.locator(popup, { has: entry });
  await expect.poll(() => list.getAttribute('class')).not.toMatch(/-(appear|enter)\b/);
  await entry.click();
  await list.waitFor({ state: 'hidden' });
}

/** Chooses an option of an open Ant Design select. */
export const pickOption = (page: Page, option: Locator) => clickInPopup(page, '.ant-select-dropdown', option);

/** Clicks an entry of an open Ant Design dropdown menu. */
export const pickMenuEntry = (page: Page, entry: Locator) => clickInPopup(page, '.ant-dropdown', entry);

/** Signs in through the sign-in page and waits for the console (or the password page). */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Signs in on the resident page (zh-CN) with the one-time code the server's SMS adapter logged for
 * `phone`; the caller waits for the screen it expects next.
 */
export async function signInResident(page: Page, server: TestServer, phone: string) {
  await page.getByRole('textbox', { name: '手机号' }).fill(phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect.poll(() => page.getByRole('button', { name: /秒后可重发/ }).count()).toBe(1);
  await page.getByRole('textbox', { name: '验证码' }).fill(server.sms.lastCode(phone)!);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Signs out from the user menu (zh-CN) and waits for the sign-in page. */
export async function signOut(page: Page) {
  await page.getByTestId('user-menu').click();
  await pickMenuEntry(page, page.getByText('退出登录', { exact: true }));
  // the sign-out request queues behind whatever the screen was still loading (one embedded connection)
  await page.waitForURL((u) => u.pathname === '/login', { timeout: 60_000 });
}

/** The labels of the side menu's entries, in order. */
export async function menuLabels(page: Page): Promise<string[]> {
  const menu = page.getByTestId('side-menu');
  await menu.waitFor();
  return (await menu.locator('li[role=menuitem]').allInnerTexts()).map((s) => s.trim());
}

export async function openScreen(page: Page, label: string) {
  await page.getByTestId('side-menu').getByText(label, { exact: true }).click();
  await expect.poll(() => page.locator('h3.page-title').innerText()).toContain(label);
}

/**
 * A full-page screenshot under test-results/screenshots/<folder>/<name>.png, once the page is quiet.
 * `fullPage: false` keeps to the window (a drawer or full-screen layout is fixed to it). `stretch`
 * (a phone page, whose top and bottom bars are fixed to the window): the window is made as tall as
 * the page for the picture, so the bars stand at its ends rather than across the content.
 */
export async function screenshot(page: Page, folder: string, name: string, { fullPage = true, stretch = false } = {}) {
  const dir = path.join(SCREENSHOTS, folder);
  mkdirSync(dir, { recursive: true });
  await page.waitForLoadState('networkidle');
  // no spinners left (tables loading, lazy screens), no passing toast over the picture
  await expect.poll(() => page.locator('.ant-spin-spinning').count()).toBe(0);
  await expect.poll(() => page.locator('.adm-toast-mask').count()).toBe(0);
  const file = path.join(dir, `${name}.png`);
  if (!stretch) return void (await page.screenshot({ path: file, fullPage, animations: 'disabled' }));
  const window = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: window.width, height: Math.max(window.height, height) });
  await page.screenshot({ path: file, animations: 'disabled' });
  await page.setViewportSize(window);
}
