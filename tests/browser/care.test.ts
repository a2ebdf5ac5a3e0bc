import { describe, expect, it } from 'vitest';
import { newCustomerBody } from '../support/care.ts';
import { a11y, artifacts, beijingText, login, shot, systemInChromium } from './support.ts';
import { publishRawCdrs, storeDemoOctoberBill } from './fixtures.ts';

/**
 * Care and the business hall against the whole system (real simulator), in Chromium: bills and
 * levels, 客户360, 上网预开户, and 退订 from application to closed line (last: it closes the demo
 * line). Self-registration is in hall-registration.test.ts.
 */
describe('care and business hall screens in Chromium', () => {
  const ui = systemInChromium();

  it("business hall: a postpaid customer reads last month's bill line by line; the agent sees it in 客户360", async () => {
    // October's bill for the demo line, as the month-end bill run stores it (the line itself
    // started yesterday, so no period of it has ended to bill).
    await storeDemoOctoberBill(ui.env.sys.natsUrl);
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    await expect.poll(() => page.url()).toContain('#/hall');
    // 有效期至 names the last valid day: the period ends at the next local midnight, which the
    // card once showed (a day the line is not valid)
    const periodEndMs = await page.evaluate(async () => {
      const r = await fetch('/api/v1/subscribers/%2B8613800000042/balance');
      return ((await r.json()) as { periodEndMs: number }).periodEndMs;
    });
    await expect
      .poll(() => page.getByTestId('valid-until').textContent())
      .toBe(`有效期至：${beijingText(periodEndMs - 1).slice(0, 10)}`);
    expect(beijingText(periodEndMs).slice(11)).toBe('00:00:00');
    // 客户等级与积分, as the level rule counts them (it was only an API)
    const level = await page.evaluate(async () => {
      const r = await fetch('/api/v1/levels');
      return (
        (await r.json()) as { results: { points: number; spendPoints: number; tenurePoints: number }[] }
      ).results[0]!;
    });
    await expect
      .poll(() => page.getByTestId('level').textContent())
      .toMatch(
        new RegExp(
          `^普通 · ${level.points.toLocaleString('zh-CN')} 积分（消费 ${level.spendPoints.toLocaleString('zh-CN')} \\+ 在网 0） · 距银卡还差 `,
        ),
      );
    const bills = page.locator('sbss-bill-list');
    const bill = bills.getByTestId('bill').first();
    await bill.waitFor({ timeout: 20_000 });
    // the newest bill opens by itself: period, amount due and due date, then its lines
    expect(await bill.locator('summary').textContent()).toMatch(
      /2026-10 月账单\s*应缴 ¥111\.45\s*缴费截止 2026-11-15/,
    );
    expect((await bill.locator('tbody').innerText()).replace(/\s+/g, ' ')).toBe(
      '套餐月费 128.00 优惠 -20.00 超出流量 3.45 本期合计 111.45',
    );
    expect(await bill.locator('caption').textContent()).toMatch(/账期 2026-10-01 至 2026-10-31/);
    // the 补收账单 of October's late call comes after its bill, titled and explained as such
    const late = bills.getByTestId('bill').nth(1);
    expect(await late.locator('summary').textContent()).toMatch(
      /2026-10 补收账单\s*应缴 ¥2\.30\s*缴费截止 2026-11-20/,
    );
    expect(await late.getByTestId('bill-late').textContent()).toBe(
      '账单出具后才送达的用量（迟到话单），按原账期补收',
    );
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(page.viewportSize()!.width);
    await bills.screenshot({ path: `${artifacts}/hall-bills-phone.png` });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => bill.locator('summary').textContent()).toMatch(/Bill for 2026-10\s*Due ¥111\.45/);
    expect(await bill.locator('tbody').innerText()).toMatch(/Monthly fee/);
    await page.getByRole('button', { name: '中文' }).click();
    await page.context().close();

    const agent = await login(ui.browser, ui.env.url, 'agent');
    await expect.poll(() => agent.url()).toContain('#/care');
    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    await expect
      .poll(() => agent.getByTestId('profile').getByTestId('level').textContent())
      .toMatch(/^普通 · /);
    const staffBill = agent.locator('sbss-customer-360 sbss-bill-list').getByTestId('bill').first();
    await staffBill.waitFor({ timeout: 15_000 });
    expect(await staffBill.locator('summary').textContent()).toMatch(/应缴 ¥111\.45/);
    await agent.context().close();
  });

  it('care 360: an agent finds the demo customer as they type and sees the masked profile', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    // No registration here: the system seeds the demo customer (李四, the demo customer login's
    // line) as an agent would register them, so a fresh npm start has someone to find.
    await expect.poll(() => agent.url()).toContain('#/care');
    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click();
    await expect.poll(() => agent.getByTestId('id-number').textContent(), { timeout: 15_000 }).toMatch(/\*/);
    await agent.locator('sbss-balance-card').waitFor({ timeout: 15_000 });
    // The registration notice went by SMS and by e-mail: the timeline says which line is which.
    const timeline = agent.locator('sbss-timeline-list ol');
    await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toMatch(/短信 · 尊敬的李四/);
    expect(await timeline.textContent()).toMatch(/邮件 · 尊敬的李四/);
    // Audit entries and states read as words, not codes.
    await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toMatch(/客户登记 · agent/);
    expect(await timeline.textContent()).not.toMatch(/customer\.registered|· closed|· billing/);
    expect(await agent.getByTestId('profile').textContent()).toMatch(/业务类型\s*移动/);
    // The switch to English re-words the timeline already on screen.
    await agent.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => timeline.textContent()).toMatch(/Customer registered · agent/);
    expect(await timeline.textContent()).toMatch(/SMS · 尊敬的李四.*\(sent\)/);
    await agent.getByRole('button', { name: '中文' }).click();
    const r = await a11y(agent, ['续费/充值', '修改资料', '退订']);
    expect(r).toEqual({ unlabelled: [], unreached: [] });
    await shot(agent, 'care-360');

    // 修改资料 changes only what the agent fills in (it offered the e-mail alone, required).
    await agent.getByRole('button', { name: '修改资料' }).click();
    const actions = agent.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('请至少填写一项要修改的资料').waitFor();
    await actions.getByLabel('通知语言').selectOption('en');
    await actions.getByLabel('原因').fill('客户要求英文通知');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('资料已修改').waitFor();
    const after = await agent.evaluate(async () => {
      const found = (await (await fetch('/api/v1/customers?phone=%2B8613800000042')).json()) as {
        customers: { customerId: string }[];
      };
      const c = (await (await fetch(`/api/v1/customers/${found.customers[0]!.customerId}`)).json()) as {
        locale: string;
        email: string;
      };
      return { locale: c.locale, email: c.email };
    });
    expect(after).toEqual({ locale: 'en', email: 'l***@example.com' });
    await agent.context().close();
  });

  it('care 360: 上网预开户 opens a new line for the customer after a declined payment is retried', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    await expect.poll(() => agent.url()).toContain('#/care');
    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    const actions = agent.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '上网预开户' }).click();
    const form = actions.locator('sbss-preopen-form');
    await form.getByLabel('新号码').fill('13912340042');
    // the plans on sale, the first chosen, its monthly fee as the amount
    await expect.poll(() => form.getByLabel('套餐').locator('option').count()).toBeGreaterThan(1);
    await form.getByLabel('套餐').selectOption('liuliangwang-39');
    expect(await form.getByLabel('金额（元）').inputValue()).toBe('39.00');
    await form.getByLabel(/付款账号/).fill('buyer0000'); // the simulated gateway declines this one
    await form.getByLabel('客户已确认登记的资料无误').check();
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByText(/办理失败.*declined.*\(\/payerAccount\)/).waitFor({ timeout: 15_000 });
    await form.getByLabel(/付款账号/).fill('buyer5678');
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByText(/预开户成功：\+8613912340042 已可上网（订单 pre-/).waitFor({ timeout: 15_000 });
    expect(await form.locator('[role=alert]').textContent()).toBe('');
    const line = await agent.evaluate(async () => {
      const r = await fetch('/api/v1/lines/%2B8613912340042');
      return (await r.json()) as { status: string; planId: string };
    });
    expect(line).toMatchObject({ status: 'pre_opened', planId: 'liuliangwang-39' });
    // 名下号码: the 360 lists it beside the searched line, masked (the agent has not revealed)
    const lines = agent.locator('sbss-customer-360').getByTestId('lines');
    await expect.poll(() => lines.locator('li').count(), { timeout: 10_000 }).toBe(2);
    expect(await lines.getByRole('button').getAttribute('aria-pressed')).toBe('true');
    expect((await lines.locator('li').nth(0).innerText()).replace(/\s+/g, ' ')).toMatch(
      /^\+8613800000042 在用 .+ \d{4}-\d{2}-\d{2} 开通$/,
    );
    expect((await lines.locator('li').nth(1).innerText()).replace(/\s+/g, ' ')).toMatch(
      /^\+86139\*{4}0042 已预开户 流量王39元 \d{4}-\d{2}-\d{2} 开通$/,
    );
    await agent.context().close();
  });

  it('care 360: a notice the gateway failed is sent again from the timeline', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    // the simulated e-mail gateway fails the first delivery to a "flaky" address
    const body = newCustomerBody({ name: '王五', email: 'flaky.wangwu@example.com' });
    const created = await agent.request.post(`${ui.env.url}/api/v1/customers`, { data: body });
    expect(created.status()).toBe(201);
    await agent.getByLabel(/搜索客户/).pressSequentially(body.mobile.slice(3), { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    const timeline = agent.locator('sbss-timeline-list');
    const failed = timeline.locator('li').filter({ hasText: /邮件 · .*\(发送失败：网关临时故障\)/ });
    await failed.waitFor({ timeout: 15_000 });
    // a passing failure: the outbox says when it will try again by itself
    expect(await failed.innerText()).toMatch(/将于 \d\d-\d\d \d\d:\d\d 自动重发/);
    await failed.getByRole('button', { name: '重发' }).click();
    // the same notice, delivered now: no failure left to retry
    await expect
      .poll(
        () =>
          timeline
            .locator('li')
            .filter({ hasText: /邮件 · .*\(已发送\)/ })
            .count(),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    expect(await timeline.getByRole('button', { name: '重发' }).count()).toBe(0);
    expect(await timeline.locator('li').filter({ hasText: '自动重发' }).count()).toBe(0);
    await expect
      .poll(() => timeline.locator('ol').innerText(), { timeout: 10_000 })
      .toMatch(/操作记录\s+通知 · 已发送 · agent/);
    await agent.context().close();
  });

  it('care 360: found by name, the line stays hidden until the audited reveal, then 退订 goes to the seeded line', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    await expect.poll(() => agent.url()).toContain('#/care');
    await agent.getByLabel(/搜索客户/).pressSequentially('李四', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    // the masked "+86138****0042" names no line: the 360 says so instead of asking for it
    const c360 = agent.locator('sbss-customer-360');
    await c360
      .getByText(/号码已脱敏/)
      .first()
      .waitFor({ timeout: 15_000 });
    expect(await agent.locator('sbss-balance-card').count()).toBe(0);
    const actions = agent.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '退订' }).click();
    await actions.getByText(/号码已脱敏/).waitFor();
    expect(await actions.getByLabel('原因').count()).toBe(0);
    agent.once('dialog', (d) => void d.accept('客户到柜台办理退订'));
    await c360.getByRole('button', { name: '查看完整信息（留痕）' }).click();
    await agent.locator('sbss-balance-card').waitFor({ timeout: 15_000 });
    // start-up put the demo login's line on record as 李四's, so the counter can take it from the
    // application to the closed line (this test runs last in the file: it closes the demo line)
    await actions.getByLabel('原因').fill('搬家');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText(/退订申请已提交：uns-/).waitFor({ timeout: 15_000 });
    await actions.getByText(/退订申请 uns-\S+ · 已申请/).waitFor();
    // the page reads the customer again after an action (and 2.5 s later): the reveal holds, as
    // the record has not changed (it fell back to the masked profile)
    await agent.waitForTimeout(3000);
    expect(await agent.getByTestId('id-number').textContent()).toBe('110105199003070017');
    await actions.getByRole('button', { name: '资格审核' }).click();
    await actions.getByText('审核通过，可以执行退订').waitFor();
    expect(await actions.getByTestId('unsub-state').textContent()).toMatch(/已批准/);
    agent.once('dialog', (d) => {
      expect(d.message()).toContain('+8613800000042');
      void d.accept();
    });
    await actions.getByRole('button', { name: '执行退订' }).click();
    await actions.getByText(/号码已关闭，(余额 ¥[\d.]+ 将退还客户|账户已结清)/).waitFor();
    expect(await actions.getByTestId('unsub-state').textContent()).toMatch(/已完成/);
    const timeline = agent.locator('sbss-timeline-list ol');
    await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toMatch(/在网号码登记到客户名下/);
    await expect.poll(() => timeline.textContent(), { timeout: 10_000 }).toMatch(/退订 · 已完成/);
    // opened again, the tab says the line is closed instead of offering a new application
    await actions.getByRole('button', { name: '退订' }).click();
    await actions.getByRole('button', { name: '退订' }).click();
    await actions.getByText(/该号码已于 .+ 关闭/).waitFor({ timeout: 10_000 });
    // the reveal showed every line: the closed one says so, and the agent switches to the other
    const lines = c360.getByTestId('lines');
    await expect.poll(() => lines.innerText(), { timeout: 10_000 }).toMatch(/\+8613800000042\s+已销户/);
    const other = lines.getByRole('button', { name: /\+8613912340042/ });
    await other.click();
    await expect.poll(() => other.getAttribute('aria-pressed')).toBe('true');
    await agent.locator('sbss-balance-card').waitFor({ timeout: 15_000 });
    // the actions follow the chosen line: it is open, so 退订 offers an application again
    await actions.getByRole('button', { name: '退订' }).click();
    await actions.getByRole('button', { name: '退订' }).click();
    await actions.getByLabel('原因').waitFor({ timeout: 10_000 });
    await agent.context().close();

    // the customer's hall for the closed number: said so, and nothing offered that needs the line
    const hall = await login(ui.browser, ui.env.url, 'customer');
    const closed = hall.getByTestId('line-closed');
    await closed.waitFor({ timeout: 20_000 }); // the hall reads the balance every 5 s
    expect(await closed.textContent()).toMatch(/此号码已于 \d{4}-\d\d-\d\d 销户/);
    const offered = hall.locator('sbss-care-actions');
    await offered.getByRole('button', { name: '投诉', exact: true }).waitFor();
    expect(await offered.getByRole('button', { name: '续费/充值' }).count()).toBe(0);
    expect(await offered.getByRole('button', { name: '携号转网' }).count()).toBe(0);
    // a call made before the closure reaches charging after it: charged, so the customer owes it,
    // and the hall offers to pay exactly that (and nothing else that needs the line)
    const balanceFen = () =>
      hall.evaluate(
        async () =>
          (
            (await (await fetch('/api/v1/subscribers/%2B8613800000042/balance')).json()) as {
              balanceFen: number;
            }
          ).balanceFen,
      );
    const before = await balanceFen();
    await publishRawCdrs(ui.env.sys.natsUrl, 'ui-late-1', [
      {
        type: 'voice',
        neId: 'MSC-SH-01',
        recordSeq: 990_001,
        msisdn: '13800000042',
        imsi: '460001234567842',
        cellId: 'SH-SH-0003-1',
        startMs: Date.now() - 300_000,
        roaming: false,
        direction: 'mo',
        calledNumber: '+442071234567',
        durationSec: 125,
      },
    ]);
    await expect.poll(balanceFen, { timeout: 20_000, interval: 500 }).toBeLessThan(before);
    const owes = -(await balanceFen());
    const owesText = `¥${Math.trunc(owes / 100)}.${String(owes % 100).padStart(2, '0')}`;
    const payOff = offered.getByRole('button', { name: '缴清欠费' });
    await payOff.waitFor({ timeout: 20_000 });
    await payOff.click();
    // the form offers what is owed now (the hall reads the balance every 5 s)
    await expect
      .poll(() => offered.getByTestId('owed').textContent(), { timeout: 15_000 })
      .toBe(`此号码已销户，尚欠 ${owesText}，可在此缴清。`);
    expect(`¥${await offered.getByLabel('金额（元）').inputValue()}`).toBe(owesText);
    await offered.getByLabel('付款账号（在线支付）').fill('customer@example.com');
    await offered.getByRole('button', { name: '提交' }).click();
    await offered.getByText('缴费成功').waitFor({ timeout: 15_000 });
    // paid off: nothing owed, nothing offered to pay
    await expect.poll(() => payOff.count(), { timeout: 20_000 }).toBe(0);
    expect(await offered.getByRole('button', { name: '续费/充值' }).count()).toBe(0);
    await hall.context().close();
  });
});
