import { describe, expect, it } from 'vitest';
import { systemInChromium } from './support.ts';

/** The business hall's self-registration against the whole system, in Chromium, on a phone. */
describe('business hall registration in Chromium', () => {
  const ui = systemInChromium();

  it('business hall: a customer registers their own account on a phone, then logs in with it', async () => {
    const ctx = await ui.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      isMobile: true,
    });
    const page = await ctx.newPage();
    const sent: string[] = [];
    const sentPasswords: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/accounts')) sent.push(r.method());
      if (r.url().endsWith('/api/v1/accounts/password')) sentPasswords.push(r.method());
    });
    await page.goto(ui.env.url);
    // neither the login nor the registration is wider than the phone (they were by 4 and 15 px)
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: '注册网上营业厅账号' }).click();
    const form = page.locator('sbss-register-form');
    await form.getByLabel('用户名').waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await form.getByLabel('用户名').fill('lisi2026');
    await form.getByLabel('姓名').fill('李五');
    await form.getByLabel('手机号').fill('13800000042');
    await form.getByLabel('电子邮箱').fill('li.si@example.com');
    await form.getByLabel('密码', { exact: true }).fill('abc');
    await form.getByLabel('确认密码').fill('abc');
    await form.getByRole('button', { name: '注册' }).click();
    // the password rule is the API's own code, checked before anything is sent
    await form.getByText('密码长度须为 8 到 64 位').waitFor();
    expect(await form.getByLabel('密码', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('密码', { exact: true }).fill('Hall-Pass-2026');
    await form.getByLabel('确认密码').fill('Hall-Pass-2025');
    await form.getByRole('button', { name: '注册' }).click();
    await form.getByText('两次输入的密码不一致').waitFor();
    expect(sent).toEqual([]);
    await form.getByLabel('确认密码').fill('Hall-Pass-2026');
    await form.getByRole('button', { name: '注册' }).click();
    // the name must be the one on record for that number
    await form.getByText('没有找到该姓名和手机号的客户，请先到营业厅办理登记').waitFor();
    await form.getByLabel('姓名').fill('李四');
    await form.getByRole('button', { name: '注册' }).click();
    await page.getByText('注册成功，请登录').waitFor();
    expect(await page.getByLabel('用户名').inputValue()).toBe('lisi2026');
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.getByLabel('密码').fill('Hall-Pass-2026');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.url()).toContain('#/hall');
    await page.getByText('+8613800000042').first().waitFor();
    // 修改密码 in the hall: the current one must be right, then the new one is the login
    const actions = page.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '修改密码' }).click();
    await actions.getByLabel('当前密码').fill('Hall-Pass-2025');
    await actions.getByLabel('新密码').fill('Hall-Pass-2027');
    await actions.getByLabel('确认密码').fill('Hall-Pass-2027');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText(/办理失败: the current password is wrong/).waitFor();
    await actions.getByLabel('当前密码').fill('Hall-Pass-2026');
    // the rule is checked before sending (the phone number in it) ...
    const before = sentPasswords.length;
    await actions.getByLabel('新密码').fill('Aa-13800000042');
    await actions.getByLabel('确认密码').fill('Aa-13800000042');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('密码不能包含手机号或用户名').waitFor();
    expect(sentPasswords.length).toBe(before);
    // ... and the API's own refusal (the username in it) reads in the screen's language alone
    await actions.getByLabel('新密码').fill('Xy-lisi2026!');
    await actions.getByLabel('确认密码').fill('Xy-lisi2026!');
    await actions.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => actions.locator('[role=alert]').textContent()).toBe('密码不能包含手机号或用户名');
    expect(sentPasswords.length).toBe(before + 1);
    await actions.getByLabel('新密码').fill('Hall-Pass-2027');
    await actions.getByLabel('确认密码').fill('Hall-Pass-2027');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('密码已修改，下次登录请使用新密码').waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').fill('lisi2026');
    await page.getByLabel('密码').fill('Hall-Pass-2027');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.url()).toContain('#/hall');
    // 我的资料: the customer's own details, and what they may change online (not the number
    // they log in with, nor the ID: that takes the counter)
    const mine = page.getByTestId('my-profile');
    await expect
      .poll(() => mine.textContent(), { timeout: 10_000 })
      .toMatch(/我的资料：李四 · 邮箱 \S+@example\.com/);
    await actions.getByRole('button', { name: '修改资料' }).click();
    expect(await actions.getByLabel('手机号').count()).toBe(0);
    expect(await actions.getByLabel('证件号码').count()).toBe(0);
    await actions.getByText('手机号码与证件信息的变更请携带证件到营业厅办理。').waitFor();
    await actions.getByLabel('电子邮箱').fill('lisi.home@example.com');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('资料已修改').waitFor({ timeout: 10_000 });
    await expect.poll(() => mine.textContent()).toMatch(/邮箱 lisi\.home@example\.com/);
    await page.getByRole('button', { name: '退出登录' }).click();
    // the same username again is refused under the username
    await page.getByRole('button', { name: '注册网上营业厅账号' }).click();
    await form.getByLabel('用户名').fill('lisi2026');
    await form.getByLabel('姓名').fill('李四');
    await form.getByLabel('手机号').fill('13800000042');
    await form.getByLabel('电子邮箱').fill('li.si@example.com');
    await form.getByLabel('密码', { exact: true }).fill('Hall-Pass-2026');
    await form.getByLabel('确认密码').fill('Hall-Pass-2026');
    await form.getByRole('button', { name: '注册' }).click();
    await form.getByText('该用户名已被使用').waitFor();
    expect(sent).toEqual(['POST', 'POST', 'POST']);
    await ctx.close();
  });
});
