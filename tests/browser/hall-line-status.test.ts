import { describe, expect, it } from 'vitest';
import { call, login, shot, systemInChromium } from './support.ts';

/**
 * The state of a line as its owner changes it in the business hall, in Chromium: 停机保号 and
 * 复机 (with the balance card saying what lifts the bar), and 携号转网's eligibility.
 */
describe('line status in the hall, in Chromium', () => {
  const ui = systemInChromium();

  it('停机保号 in the hall: refused while charges are unsettled, then the line stops and keeps its number; 复机 brings it back', async () => {
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const balance = () =>
      page.evaluate(
        async () =>
          (await (await fetch('/api/v1/subscribers/%2B8613800000042/balance')).json()) as {
            balanceFen: number;
            barReason: string | null;
          },
      );
    const actions = page.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '停机保号' }).click();
    const panel = actions.locator('sbss-line-suspension');
    await panel.getByText(/停机期间每月只收保号费 ¥5\.00/).waitFor({ timeout: 10_000 });
    const suspend = panel.getByRole('button', { name: '办理停机保号' });
    // the demo line is postpaid: what it owes (this month's fee, usage) is settled first
    const owed = -(await balance()).balanceFen;
    if (owed > 0) {
      page.once('dialog', (d) => void d.accept());
      await suspend.click();
      await panel.getByText('请先结清费用（含本月月费）再办理停机保号').waitFor({ timeout: 10_000 });
      const agent = await login(ui.browser, ui.env.url, 'agent');
      const paid = await call(agent, 'POST', '/api/v1/subscribers/%2B8613800000042/renewals', {
        requestId: 'browser-suspend-settle',
        amountFen: owed,
        method: 'cash',
        channel: 'counter',
      });
      expect(paid.status).toBe(201);
      await agent.context().close();
      await expect
        .poll(async () => (await balance()).balanceFen, { timeout: 15_000, interval: 500 })
        .toBeGreaterThanOrEqual(0);
    }

    // going abroad for a month: resumes by itself on the day chosen (预约复机)
    const back = new Date(Date.now() + 30 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await panel.getByLabel(/预约复机日期（可选，最长 365 天/).fill(back);
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await suspend.click();
    await panel.getByText('已办理停机保号，号码已停机并为您保留').waitFor({ timeout: 10_000 });
    expect(asked).toBe(`为 +8613800000042 办理停机保号？号码将立即停机，${back} 08:00 自动复机。`);
    expect(await panel.getByTestId('suspension-state').textContent()).toMatch(
      new RegExp(`已于 \\S+ \\S+ 停机保号（customer），每月保号费 ¥5\\.00\\s+将于 ${back} 08:00:00 自动复机`),
    );
    await expect
      .poll(async () => (await balance()).barReason, { timeout: 15_000, interval: 500 })
      .toBe('suspended');
    // the balance card says what lifts it: not a payment
    await page.reload();
    await page.getByText('停机保号中：复机后恢复使用').waitFor({ timeout: 15_000 });

    await actions.getByRole('button', { name: '停机保号' }).click();
    page.once('dialog', (d) => void d.accept());
    await panel.getByRole('button', { name: '复机' }).click();
    await panel.getByText('已复机，号码恢复使用').waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await balance()).barReason, { timeout: 15_000, interval: 500 }).toBeNull();
    await page.context().close();
  });

  it('携号转网 in the hall: a line too new to port says why, all at once, and offers no code', async () => {
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const actions = page.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '携号转网' }).click();
    const panel = actions.locator('sbss-port-out');
    const blocks = panel.getByTestId('port-blocks');
    await blocks.waitFor({ timeout: 10_000 });
    expect(await blocks.innerText()).toMatch(/入网满 120 天后可办理（\d{4}-\d{2}-\d{2} 起）/);
    expect(await panel.getByRole('button', { name: '获取授权码' }).isDisabled()).toBe(true);
    await shot(page, 'hall-port-out');
    // in English too
    await page.getByRole('button', { name: 'English' }).click();
    expect(await blocks.innerText()).toMatch(/after 120 days in service/);
    await page.context().close();
  });
});
