import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, screenshot, signIn, startBrowser, type Browser } from './browser.ts';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(() => b?.close());

async function tryPassword(page: Browser['page'], username: string, password: string) {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
}

describe('signing in', () => {
  it('a wrong password says so; the fifth locks the account and says for how many minutes', async () => {
    const { page } = b;
    await page.goto('/login');
    for (let i = 1; i <= 4; i++) {
      await tryPassword(page, 'street', `wrong-password-${i}`);
      await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('账号或密码不正确');
    }
    await tryPassword(page, 'street', 'wrong-password-5');
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('账号已被锁定，请 15 分钟后再试');
    await screenshot(page, 'zh-CN', '11-login-locked');
    // even the right password is refused while locked
    await tryPassword(page, 'street', DEMO_PASSWORD);
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('分钟后再试');
    expect(page.url()).toContain('/login');
  });

  it('after an administrator resets a password, the user must change it before anything else', async () => {
    // the administrator resets the department handler's password in the console
    const { page } = b;
    await signIn(page, 'admin');
    await page.goto('/admin/users');
    const row = page.locator('.ant-table-row', { hasText: '城管局承办人' });
    await row.getByRole('button', { name: '重置密码' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定/ }).click();
    const temporary = await page.getByTestId('once-secret').inputValue();
    expect(temporary).toMatch(/^[A-Za-z0-9]{14}$/);
    await page.getByRole('button', { name: '我已保存' }).click();

    // the handler, in their own browser, signs in with it and lands on the password page
    const other = await b.newContext();
    await signIn(other.page, 'dept', temporary);
    await other.page.waitForURL('**/password');
    expect(await other.page.getByTestId('password-forced').innerText()).toContain('管理员已为您重置密码');
    await screenshot(other.page, 'zh-CN', '12-password-forced');
    // other addresses lead back here, and the API refuses until the change
    await other.page.goto('/admin/orgs');
    await other.page.waitForURL('**/password');
    expect((await other.page.request.get('/api/orgs')).status()).toBe(403);

    await other.page.locator('#currentPassword').fill(temporary);
    await other.page.locator('#newPassword').fill('short');
    await other.page.locator('#confirm').fill('short');
    await other.page.getByRole('button', { name: '确认修改' }).click();
    await expect.poll(() => other.page.locator('.ant-form-item-explain-error').first().innerText()).toContain('至少 10 位');
    // a common password passes the form's own check; the server's field error lands on the field
    await other.page.locator('#newPassword').fill('password123');
    await other.page.locator('#confirm').fill('password123');
    await other.page.getByRole('button', { name: '确认修改' }).click();
    await expect.poll(() => other.page.locator('#newPassword_help').innerText()).not.toBe('');
    await other.page.locator('#newPassword').fill('Qianfoshan-tea-2026');
    await other.page.locator('#confirm').fill('Qianfoshan-tea-2026');
    await other.page.getByRole('button', { name: '确认修改' }).click();
    await other.page.waitForURL((u) => u.pathname === '/');
    await expect.poll(() => other.page.getByTestId('shell-where').innerText()).toContain('历下区城市管理局');
    expect((await other.page.request.get('/api/orgs')).status()).toBe(200);
    await other.context.close();
  });

  it('a session that ended (signed out elsewhere) returns to the sign-in page with a notice, and back after signing in', async () => {
    const { page } = b;
    await page.goto('/admin/users');
    await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(3);
    // the session ends behind the console's back
    expect((await page.request.post('/api/auth/logout')).status()).toBe(204);
    await page.getByRole('button', { name: '刷新' }).click();
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('reason') === 'expired');
    expect(await page.getByTestId('login-notice').innerText()).toContain('登录已过期');
    await page.locator('#username').fill('admin');
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL((u) => u.pathname === '/admin/users');
    expect(b.pageErrors).toEqual([]);
  });
});
