import { describe, expect, it } from 'vitest';
import { newCustomerBody } from '../support/care.ts';
import { a11y, call, login, systemInChromium } from './support.ts';

/**
 * A customer's cases across the counter and the business hall, in Chromium: a disputed charge
 * (费用异议) handled by an agent and rated by the customer (满意度评价), and a fault report's
 * progress (进度查询).
 */
describe('customer cases in Chromium', () => {
  const ui = systemInChromium();

  it('费用异议: a customer disputes a usage record; the agent sees how it was rated and answers; the customer rates the answer', async () => {
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const rows = page.locator('sbss-usage-records tbody tr[data-key]');
    await expect.poll(() => rows.count(), { timeout: 40_000, interval: 1000 }).toBeGreaterThan(0);
    const cdrId = await rows.first().getAttribute('data-key');
    await rows.first().getByRole('button', { name: '说明' }).dispatchEvent('click');
    const explanation = page.getByTestId('explanation');
    await explanation.getByText('对这笔费用有异议？').click();
    await explanation.getByLabel(/没有打过这个电话/).fill('这个时间我没有用手机');
    await explanation.getByRole('button', { name: '提交费用投诉' }).click();
    const filed = explanation.getByText(/^费用投诉已登记：CP/);
    await filed.waitFor({ timeout: 10_000 });
    const id = /：(CP[^，]+)，/.exec((await filed.textContent())!)![1]!;
    // it is a billing complaint about that record, tracked with the customer's others
    await expect
      .poll(() => page.getByTestId('my-complaints').locator('tbody').innerText(), { timeout: 10_000 })
      .toMatch(new RegExp(`${id}\\s+计费\\s+已登记`));
    const stored = await page.evaluate(
      async (cid) =>
        (await (await fetch(`/api/v1/noc/complaints/${cid}`)).json()) as { disputedCdrIds: string[] },
      id,
    );
    expect(stored.disputedCdrIds).toEqual([cdrId]);
    await page.context().close();

    const agent = await login(ui.browser, ui.env.url, 'agent');
    await agent.goto(`${ui.env.url}/#/boards`);
    const board = agent.locator('sbss-complaints-board');
    await board.getByRole('button', { name: id }).click({ timeout: 15_000 });
    const detail = board.locator('sbss-complaint-detail');
    expect(await detail.getByTestId('complaint-text').textContent()).toBe('这个时间我没有用手机');
    // the customer's number is masked until the agent says why they need it (to call back)
    const number = detail.getByTestId('complaint-number');
    expect(await number.textContent()).toBe('+86138****0042');
    await detail.getByLabel('查看号码的原因（记入审计）').fill('回访客户核实扣费');
    await detail.getByRole('button', { name: '查看完整号码' }).click();
    await expect.poll(() => number.getAttribute('href'), { timeout: 10_000 }).toBe('tel:+8613800000042');
    // the disputed record with its rating, in words, to answer the customer
    const charges = detail.getByTestId('disputed-charges');
    await expect.poll(() => charges.locator('li').count(), { timeout: 10_000 }).toBe(1);
    expect(await charges.innerText()).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} · ¥\d+\.\d{2} · .*(收费|免费|套餐|计)/,
    );
    // the agent answers; the customer rates it on the phone (满意度评价) and it is closed
    await detail.getByLabel('解决方案').fill('核实为正常使用，已赠送 100 条短信作为补偿');
    await detail.getByRole('button', { name: '提出方案' }).click();
    await detail.getByText(`${id} 已更新`).waitFor({ timeout: 10_000 });
    await agent.context().close();

    const again = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const mine = again.getByTestId('my-complaints');
    await mine.getByRole('button', { name: `查看进度 ${id}` }).click({ timeout: 20_000 });
    const view = again.locator('sbss-my-case');
    expect(await view.getByTestId('case-solution').textContent()).toBe(
      '处理方案：核实为正常使用，已赠送 100 条短信作为补偿',
    );
    expect(await view.getByTestId('case-steps').innerText()).toMatch(/已登记[\s\S]*已提出方案/);
    await view.getByLabel('满意度').selectOption({ label: '满意' });
    await view.getByRole('button', { name: '问题已解决，确认' }).click();
    await view.getByText('感谢您的评价，投诉已办结').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => mine.locator('tbody').innerText(), { timeout: 10_000 })
      .toMatch(new RegExp(`${id}\\s+计费\\s+已关闭`));
    const closed = await again.evaluate(
      async (cid) =>
        (await (await fetch(`/api/v1/noc/complaints/${cid}`)).json()) as {
          satisfaction: number;
          customerConfirmed: boolean;
        },
      id,
    );
    expect(closed).toMatchObject({ satisfaction: 4, customerConfirmed: true });
    // a fault report's progress: its steps so far and the time promised
    const actions = again.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '故障报修' }).click();
    await actions.getByLabel('问题描述').fill('家里信号时有时无');
    await actions.getByRole('button', { name: '提交' }).click();
    const opened = actions.getByText(/^报修已(受理|关联到网络工单)/);
    await opened.waitFor({ timeout: 10_000 });
    const tid = /(T[CT]-\S+)$/.exec((await opened.textContent())!.trim())![1]!;
    await again
      .getByTestId('my-tickets')
      .getByRole('button', { name: `查看进度 ${tid}` })
      .click({ timeout: 10_000 });
    expect(await view.locator('h3').textContent()).toContain(tid);
    expect(await view.locator('p').first().textContent()).toMatch(
      /承诺处理时限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/,
    );
    expect(await view.getByTestId('case-steps').innerText()).toMatch(/已受理/);
    expect(
      await again.evaluate(() => document.documentElement.scrollWidth),
      'the progress fits the phone',
    ).toBeLessThanOrEqual(390);
    await again.context().close();
  });

  it('套餐变更 in the hall: plans side by side, a change from the next period, the customer told, withdrawn', async () => {
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const actions = page.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '套餐变更' }).click();
    const panel = actions.locator('sbss-plan-change');
    const rows = panel.getByTestId('plan-choices').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(2);
    expect(await panel.locator('tr.current td').last().textContent()).toContain('当前套餐');
    // a prepaid plan is 后转预: the row says so, or that the charges are settled first
    expect(await panel.getByTestId('plan-choices').innerText()).toMatch(
      /后转预须先结清费用|后转预：转为预付费/,
    );
    const open = panel.locator('input[name=planId]:not([disabled])').first();
    const planId = await open.getAttribute('value');
    await open.check();
    expect(await panel.getByTestId('plan-compare').textContent()).toMatch(/月费 ¥\d+\.\d{2} → ¥\d+\.\d{2}/);
    page.once('dialog', (d) => void d.accept());
    await panel.getByRole('button', { name: '确认变更' }).click();
    await panel.getByText(/^已受理：/).waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('plan-pending').textContent()).toMatch(
      /已申请变更为「.+」，(\d{4}-\d{2}-\d{2} 起|下次续费起)生效/,
    );
    // charging holds it and tells the customer (its notice through the care outbox)
    const told = await page.evaluate(async () => {
      for (let i = 0; i < 100; i++) {
        const me = (await (await fetch('/api/v1/customers/me')).json()) as { customerId: string };
        const r = (await (await fetch(`/api/v1/customers/${me.customerId}/notifications`)).json()) as {
          notifications: { template: string; text: string }[];
        };
        const n = r.notifications.find((x) => x.template === 'charging.plan_change_scheduled');
        if (n) return n.text;
        await new Promise((res) => setTimeout(res, 200));
      }
      return '';
    });
    expect(told).toMatch(/^您的套餐变更已受理：.*变更为「.+」，本期套餐不变。$/);
    // ... and its balance answer says what comes next once charging has saved its state (≤ 5 s)
    const nextPlan = () =>
      page.evaluate(
        async () =>
          (
            (await (await fetch('/api/v1/subscribers/%2B8613800000042/balance')).json()) as {
              nextPlanId?: string;
            }
          ).nextPlanId,
      );
    await expect.poll(nextPlan, { timeout: 15_000, interval: 500 }).toBe(planId);
    // the balance card (refreshed every 5 s) names the next period's plan
    await expect
      .poll(
        () =>
          page
            .getByTestId('next-plan')
            .textContent()
            .catch(() => ''),
        { timeout: 15_000 },
      )
      .toMatch(/^\s*下期套餐：\S+/);
    await panel.getByRole('button', { name: '撤销变更' }).click();
    await panel.getByText(/^已撤销，继续使用「/).waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('plan-pending').count()).toBe(0);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      'the plan table fits the phone',
    ).toBeLessThanOrEqual(390);
    await page.context().close();
  });

  it('流量加油包 in the hall: a pack bought once, on this period, from the balance', async () => {
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const dataTotal = () =>
      page.evaluate(async () => {
        const b = (await (await fetch('/api/v1/subscribers/%2B8613800000042/balance')).json()) as {
          balanceFen: number;
          allowances: { dataBytes?: { totalUnits: number } };
        };
        return { total: b.allowances.dataBytes?.totalUnits ?? 0, balanceFen: b.balanceFen };
      });
    const before = await dataTotal();
    const actions = page.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '叠加包' }).click();
    const packs = actions.getByTestId('add-ons');
    expect(await packs.innerText()).toMatch(/流量加油包1GB · 1\.0 GB · ¥10\.00/);
    page.once('dialog', (d) => void d.accept());
    await packs.getByRole('button', { name: '订购流量加油包1GB' }).click();
    await actions
      .getByText(/^已订购「流量加油包1GB」，本期有效至 \d{4}-\d{2}-\d{2}$/)
      .waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => (await dataTotal()).total - before.total, { timeout: 15_000, interval: 500 })
      .toBe(1024 ** 3);
    expect(before.balanceFen - (await dataTotal()).balanceFen).toBeGreaterThanOrEqual(1000);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });

  it('挂失 in the hall bars the line at once; the agent restores it at the counter after checking the ID', async () => {
    const page = await login(ui.browser, ui.env.url, 'customer', { phone: true });
    const barred = () =>
      page.evaluate(
        async () =>
          (
            (await (await fetch('/api/v1/subscribers/%2B8613800000042/balance')).json()) as {
              barReason: string | null;
            }
          ).barReason,
      );
    const actions = page.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '挂失/解挂' }).click();
    const panel = actions.locator('sbss-line-loss');
    page.once('dialog', (d) => void d.accept());
    await panel.getByRole('button', { name: '挂失', exact: true }).click();
    await panel.getByText('已挂失，号码已停机').waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('loss-state').textContent()).toMatch(
      /已于 \S+ \S+ 挂失（customer），号码停机中/,
    );
    expect(await panel.getByText('解挂或补卡须本人携带证件到营业厅办理').count()).toBe(1);
    await expect.poll(barred, { timeout: 15_000, interval: 500 }).toBe('lost');
    await page.context().close();

    const agent = await login(ui.browser, ui.env.url, 'agent');
    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    const counter = agent.locator('sbss-care-actions');
    await counter.getByRole('button', { name: '挂失/解挂' }).click();
    const restore = counter.locator('sbss-line-loss');
    const button = restore.getByRole('button', { name: '解挂' });
    await button.waitFor({ timeout: 10_000 });
    expect(await button.isDisabled(), 'not before the ID is checked').toBe(true);
    await restore.getByLabel('已核验本人证件原件').check();
    await button.click();
    await restore.getByText('已解挂，号码恢复使用').waitFor({ timeout: 10_000 });
    await expect
      .poll(
        () =>
          agent.evaluate(
            async () =>
              (await (await fetch('/api/v1/subscribers/%2B8613800000042/balance')).json()).barReason,
          ),
        {
          timeout: 15_000,
          interval: 500,
        },
      )
      .not.toBe('lost');
    await agent.context().close();
  });

  it('补换卡 at the counter: a lost line moves to a new card from stock, and works again', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    const api = async (method: string, url: string, body?: unknown) =>
      (await call(agent, method, url, body)).body as Record<string, unknown>;
    await api('POST', '/api/v1/lines/%2B8613800000042/loss', {
      channel: 'phone',
      requestId: 'browser-loss-2',
    });
    const barReason = async () =>
      (await api('GET', '/api/v1/subscribers/%2B8613800000042/balance')).barReason;
    await expect.poll(barReason, { timeout: 15_000, interval: 500 }).toBe('lost');
    const stock = async () =>
      (
        (await api('GET', '/api/v1/inventory')).items as {
          model: string;
          region: string;
          available: number;
        }[]
      )
        .filter((i) => i.model === 'SIM-5G')
        .reduce((a, i) => a + i.available, 0);
    const before = await stock();

    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    const counter = agent.locator('sbss-care-actions');
    await counter.getByRole('button', { name: '补换卡', exact: true }).click();
    const panel = counter.locator('sbss-sim-swap');
    await panel.getByText('号码已挂失：换卡后自动解挂').waitFor({ timeout: 10_000 });
    expect(await panel.getByLabel('办理原因').inputValue(), 'a lost line suggests 丢失补卡').toBe('lost');
    const submit = panel.getByRole('button', { name: '补换卡' });
    expect((await a11y(agent, [])).unlabelled, 'every field of the panel has a label').toEqual([]);
    await panel.getByLabel(/新卡 ICCID/).fill('89860112345678900077');
    expect(await submit.isDisabled(), 'not before the ID is checked').toBe(true);
    await panel.getByLabel('已核验本人证件原件').check();
    let asked = '';
    agent.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await submit.click();
    await panel.getByText('已换卡，新卡尾号 0077 已启用，号码已解挂').waitFor({ timeout: 10_000 });
    expect(asked).toBe('将 +8613800000042 换到新卡（尾号 0077）？原卡将立即停用。');
    expect(await panel.getByTestId('sim-current').textContent()).toContain('89860112345678900077');
    // the 挂失/解挂 tab (the same panel as the hall's) names the card in service
    await counter.getByRole('button', { name: '挂失/解挂' }).click();
    await counter
      .locator('sbss-line-loss')
      .getByText('号码当前使用的卡：尾号 0077')
      .waitFor({ timeout: 10_000 });
    expect(await stock()).toBe(before - 1);
    await expect.poll(barReason, { timeout: 15_000, interval: 500 }).not.toBe('lost');
    await agent.context().close();
  });

  it('过户 at the counter: refused while the SIM is reported lost, then the line moves to the new owner', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    const buyer = newCustomerBody({ name: '周九' });
    expect((await call(agent, 'POST', '/api/v1/customers', buyer)).status).toBe(201);
    const line = '/api/v1/lines/%2B8613800000042';
    expect(
      (await call(agent, 'POST', `${line}/loss`, { channel: 'phone', requestId: 'browser-xfer-loss' }))
        .status,
    ).toBe(202);
    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    const counter = agent.locator('sbss-care-actions');
    await counter.getByRole('button', { name: '过户', exact: true }).click();
    const panel = counter.locator('sbss-line-transfer');
    const submit = panel.getByRole('button', { name: '确认过户' });
    const reach = await a11y(agent, ['查找']);
    expect(reach).toEqual({ unlabelled: [], unreached: [] });
    await panel.getByLabel('新机主证件号码').fill(buyer.idNumber);
    await panel.getByRole('button', { name: '查找' }).click();
    await panel.getByTestId('xfer-found').waitFor({ timeout: 10_000 });
    expect(await panel.getByTestId('xfer-found').textContent()).toContain('新机主：');
    expect(await submit.isDisabled(), 'not before both IDs are checked').toBe(true);
    await panel.getByLabel('已核验双方证件原件').check();
    agent.on('dialog', (d) => void d.accept());
    // reported lost: refused, in words, nothing moved
    await submit.click();
    await panel.getByText('号码已挂失，请先解挂或补换卡').waitFor({ timeout: 10_000 });
    const restore = { channel: 'counter', requestId: 'browser-xfer-unloss', idChecked: true };
    expect((await call(agent, 'POST', `${line}/loss/restore`, restore)).status).toBe(200);
    // and what the line owes is settled before it changes hands
    const balance = async () =>
      (
        (await call(agent, 'GET', '/api/v1/subscribers/%2B8613800000042/balance')).body as {
          balanceFen: number;
        }
      ).balanceFen;
    const owed = -(await balance());
    if (owed > 0)
      await call(agent, 'POST', '/api/v1/subscribers/%2B8613800000042/renewals', {
        requestId: 'browser-xfer-settle',
        amountFen: owed,
        method: 'cash',
        channel: 'counter',
      });
    await expect.poll(balance, { timeout: 15_000, interval: 500 }).toBeGreaterThanOrEqual(0);
    // 李四's contact number is this line: the new one is asked for, under its field
    await submit.click();
    await panel.getByText('原机主的联系电话就是此号码，请填写其新的联系电话').waitFor({ timeout: 10_000 });
    await panel.getByLabel('原机主新联系电话').fill('13700000042');
    await submit.click();
    const done = panel.getByText(/^\+8613800000042 已过户给 /);
    await done.waitFor({ timeout: 10_000 });
    // the demo customer's hall login was on this number: it ends with the transfer
    expect(await done.textContent()).toContain('网上营业厅登录（1 个）已注销');
    // 李四's 名下号码 now says where the number went, and offers nothing to act on
    const former = agent.locator('sbss-line-list').getByTestId('former-lines');
    await former.waitFor({ timeout: 10_000 });
    expect(await former.textContent()).toMatch(/\+86138\*{4}0042\s+\S+ 已过户给他人/);
    const moved = (await call(agent, 'GET', line)).body as { customerId: string };
    const found = (await call(agent, 'GET', `/api/v1/customers?idNumber=${buyer.idNumber}`)).body as {
      customers: { customerId: string }[];
    };
    expect(moved.customerId).toBe(found.customers[0]!.customerId);
    await agent.context().close();
  });
});
