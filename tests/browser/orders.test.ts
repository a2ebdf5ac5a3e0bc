import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectNats } from '../../infra/nats/index.ts';
import { newCustomerBody, newMsisdn, reservationSlot } from '../support/care.ts';
import { a11y, call, login, shot, systemInChromium } from './support.ts';

/** Calls the API from a logged-in page (its session cookie), as that user's own screen would. */

/** The order wizard (agent) and the rerate dry run with apply (supervisor), in Chromium. */
describe('order wizard and rerate in Chromium', () => {
  const ui = systemInChromium();

  it('an agent takes a new-line order from customer registration to a completed activation, resuming it by id', async () => {
    const supervisor = await login(ui.browser, ui.env.url, 'supervisor');
    const stock = await call(supervisor, 'PUT', '/api/v1/inventory/bj/ONT-1', { kind: 'ont', available: 5 });
    expect(stock.status).toBe(200);
    await supervisor.context().close();

    const page = await login(ui.browser, ui.env.url, 'agent');
    await page.getByRole('link', { name: '业务受理' }).click();
    await page.getByRole('heading', { name: '业务受理' }).waitFor();
    const current = page.getByTestId('current-step');
    expect(await page.getByTestId('state-customer_info').textContent()).toBe('待办理');
    const r = await a11y(page, ['打开', '登记并创建订单']);
    expect(r).toEqual({ unlabelled: [], unreached: [] });

    // Each radio button sits on the line of its text (a grid label once put the button above
    // and half a screen away from it).
    for (const name of ['新客户登记', '已有客户']) {
      const radio = page.getByRole('radio', { name });
      const box = (await radio.boundingBox())!;
      const label = (await page.locator('label', { has: radio }).boundingBox())!;
      expect(label.height, `${name}: one line`).toBeLessThan(box.height + 16);
      expect(box.x - label.x, `${name}: button at the start of its label`).toBeLessThan(8);
    }
    await page.getByLabel('姓名').fill('王小明');
    await page.getByLabel('证件号码').fill('320106198805122538'); // wrong check digit
    await page.getByLabel('手机号').fill('13912345678');
    await page.getByLabel('省', { exact: true }).fill('江苏');
    await page.getByLabel('市', { exact: true }).fill('南京');
    await page.getByLabel('区/县').fill('鼓楼区');
    await page.getByLabel('街道').fill('中山路');
    await page.getByLabel('门牌号').fill('18号');
    await page.getByLabel('新开号码').fill('13912345001');
    await page.getByRole('button', { name: '登记并创建订单' }).click();
    // the API's refusal is shown under the field it names
    const idError = current.locator('[data-field="idNumber"]');
    await idError.waitFor();
    expect(await idError.textContent()).toMatch(/\S/);
    expect(await page.getByLabel('证件号码').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'order-wizard-field-error');

    await page.getByLabel('证件号码').fill('320106198805122537');
    await page.getByRole('button', { name: '登记并创建订单' }).click();
    await expect.poll(() => page.getByTestId('state-customer_info').textContent()).toBe('已完成');
    await expect.poll(() => page.url()).toMatch(/#\/order\/ord-/);
    const orderId = page.url().split('/').pop() ?? '';

    // plan: compared against the expected usage, the suggestion preselected
    await expect.poll(() => page.getByTestId('suggestion').textContent()).toContain('推荐');
    expect(await current.locator('tr.suggested input[type=radio]').isChecked()).toBe(true);
    // What a smaller plan lacks, in words and units of the screen's language (it read
    // "不足 270 min 17952 MB").
    expect((await current.locator('tr[data-plan="dazhongka-8"] td').last().textContent())?.trim()).toBe(
      '不足：通话 270 分钟、流量 17952 MB',
    );
    await page.getByLabel('设备型号（可选）').fill('ONT-1');
    await shot(page, 'order-wizard-plan');
    await page.getByRole('button', { name: '确认方案' }).click();
    await expect.poll(() => page.getByTestId('state-plan_selection').textContent()).toBe('已完成');

    // contract: generated, signed by the customer then the carrier, archived
    await page.getByRole('button', { name: '生成合同' }).click();
    await page.getByLabel('客户签名').fill('王小明');
    await page.getByRole('button', { name: '客户签字' }).click();
    await page.getByRole('button', { name: '运营商签字' }).click();
    await expect.poll(() => page.getByTestId('state-contract').textContent()).toBe('已完成');

    // reservation of the device for a visit slot
    await expect.poll(() => current.getAttribute('data-step')).toBe('reservation');
    expect(await page.getByLabel('设备型号（可选）').inputValue()).toBe('ONT-1');
    // what the region has in stock, beside the device field (the supervisor's intake above, and
    // the stock npm start books in for the demo): the agent no longer guesses a model
    await expect.poll(() => page.getByTestId('stock').textContent()).toMatch(/bj 库存：.*ONT-1 5/);
    expect(await page.getByTestId('stock').textContent()).toMatch(/CPE-5G 20/);
    await page.getByLabel('区域').fill('xz');
    await page.getByLabel('区域').dispatchEvent('change');
    await expect.poll(() => page.getByTestId('stock').textContent()).toMatch(/xz 暂无库存记录/);
    await page.getByLabel('区域').fill('bj');
    await page.getByLabel('区域').dispatchEvent('change');
    await expect.poll(() => page.getByTestId('stock').textContent()).toMatch(/bj 库存：/);
    await page.getByRole('button', { name: '预约设备' }).click();
    await expect.poll(() => page.getByTestId('state-reservation').textContent()).toBe('已完成');

    // installation dispatched; the order is resumed by id from a fresh start of the wizard
    await page.getByLabel('安装地址').fill('南京鼓楼中山路18号');
    await page.getByRole('button', { name: '派发安装工单' }).click();
    await page.getByTestId('install-wait').waitFor();
    await page.getByRole('button', { name: '新建订单' }).click();
    await expect.poll(() => page.getByTestId('state-customer_info').textContent()).toBe('待办理');
    await page.getByLabel('订单编号').fill(orderId);
    await page.getByRole('button', { name: '打开', exact: true }).click();
    await expect.poll(() => current.getAttribute('data-step')).toBe('installation');
    expect(await page.getByTestId('state-reservation').textContent()).toBe('已完成');
    await page.getByTestId('install-wait').waitFor();

    // the technician reports the on-site result from their handset, in the technician view
    const tech = await login(ui.browser, ui.env.url, 'technician');
    const mine = (await call(tech, 'GET', '/api/v1/work-orders')).body as {
      workOrders: { workOrderId: string; orderId: string }[];
    };
    const wo = mine.workOrders.find((w) => w.orderId === orderId);
    expect(wo).toBeDefined();
    await tech.goto(`${ui.env.url}/#/tech`);
    const card = tech.locator(`[data-work-order="${wo?.workOrderId}"]`);
    await expect.poll(() => card.getByTestId('install-status').textContent()).toBe('待上门');
    // the visit: when it was booked and whom to call (a tel: link on the handset)
    expect(await card.getByTestId('install-visit').innerText()).toMatch(
      /^预约 \d{2}-\d{2} \d{2}:\d{2} · 客户 \S+ \+86\d{11}$/,
    );
    expect(await card.getByTestId('install-visit').locator('a').getAttribute('href')).toMatch(
      /^tel:\+86\d{11}$/,
    );
    await expect.poll(() => card.getByLabel('设备型号').inputValue()).toBe('ONT-1');
    await card.getByLabel('下行速率（Mbps）').fill('940');
    await card.getByLabel('时延（毫秒）').fill('3');
    await card.getByRole('button', { name: '提交安装结果' }).click();
    await expect.poll(() => card.getByTestId('install-status').textContent()).toBe('安装完成');
    await tech.screenshot({ path: 'tests/artifacts/technician-installation.png', fullPage: true });
    await tech.context().close();
    await expect.poll(() => page.getByTestId('state-installation').textContent()).toBe('已完成');

    // activation: the SIM's device events, published as the network's SIM platform does
    const nats = await connectNats(ui.env.sys.natsUrl, 'ui-test-devices');
    try {
      for (const step of ['sim_activation', 'network_attach', 'device_verification']) {
        const e = {
          eventId: `dev-ui-${orderId}-${step}`,
          step,
          orderId,
          msisdn: '+8613912345001',
          iccid: '8986001234567890123',
          imsi: '460001234567890',
          imei: '356938035643809',
          result: 'ok',
          atMs: Date.now(),
        };
        await nats.js.publish(`device.${step}`, JSON.stringify(e), { msgID: e.eventId });
      }
    } finally {
      await nats.nc.close();
    }
    await page.getByTestId('order-complete').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('order-complete').textContent()).toContain('+8613912345001');
    expect(await page.getByTestId('state-activation').textContent()).toBe('已完成');
    await shot(page, 'order-wizard-complete');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Business acceptance' }).waitFor();
    expect(await page.getByTestId('state-activation').textContent()).toBe('Done');
    await page.context().close();
  });

  it('a supervisor rerates the last hour with a candidate catalog: dry run, CSV, apply once, then nothing to change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbss-rerate-'));
    const doubled = JSON.parse(readFileSync('catalog/default.json', 'utf8'), (k, v: unknown) =>
      k === 'priceFen' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([w, p]) => [w, (p as number) * 2]))
        : v,
    ) as Record<string, unknown>;
    doubled.catalogVersion = 'ui-doubled';
    const file = join(dir, 'doubled.json');
    writeFileSync(file, JSON.stringify(doubled));

    const page = await login(ui.browser, ui.env.url, 'supervisor');
    // rated usage from the simulator must exist before a rerate has something to price
    await expect
      .poll(
        async () =>
          ((await call(page, 'GET', '/api/v1/noc/history?minutes=60')).body as { rows: unknown[] }).rows
            .length,
        {
          timeout: 60_000,
          interval: 1000,
        },
      )
      .toBeGreaterThan(0);
    await page.goto(`${ui.env.url}/#/boards`);
    await page.getByRole('tab', { name: '重新批价' }).click();
    await page.getByLabel('候选资费目录（JSON 文件）').setInputFiles(file);
    await expect.poll(() => page.getByTestId('catalog-version').textContent()).toContain('ui-doubled');
    await page.getByRole('button', { name: '试算（不扣费）' }).click();
    await expect
      .poll(() => page.getByTestId('rerate-summary').textContent(), { timeout: 30_000 })
      .toMatch(/差额/);
    const rows = page.locator('sbss-rerate-panel sbss-data-table tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    // sort by difference, largest first
    const diffHeader = page.getByRole('button', { name: '差额（元）' });
    await diffHeader.click();
    await diffHeader.click();
    const diffs = await page
      .locator('sbss-rerate-panel sbss-data-table tbody tr td:nth-child(5)')
      .allTextContents();
    const nums = diffs.map(Number);
    expect(nums).toEqual([...nums].sort((a, b) => b - a));
    expect(nums[0]).toBeGreaterThan(0);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const csv = readFileSync((await (await download).path()) ?? '', 'utf8');
    expect(csv).toContain('原费用（元）');
    const r = await a11y(page, ['试算（不扣费）', '导出 CSV', '应用调整']);
    expect(r).toEqual({ unlabelled: [], unreached: [] });
    await shot(page, 'rerate-dry-run');

    await page.getByRole('button', { name: '应用调整' }).click();
    await page.getByRole('dialog').waitFor();
    await page.getByRole('button', { name: '确认应用' }).click();
    await expect
      .poll(() => page.getByTestId('rerate-outcome').textContent(), { timeout: 30_000 })
      .toMatch(/已应用/);
    await page.getByRole('button', { name: '应用调整' }).click();
    await page.getByRole('button', { name: '确认应用' }).click();
    await expect
      .poll(() => page.getByTestId('rerate-outcome').textContent(), { timeout: 30_000 })
      .toContain('没有需要调整的内容');
    await shot(page, 'rerate-applied-twice');
    await page.context().close();
  });

  it('撤单: an agent withdraws an order at its installation step; the device goes back to stock', async () => {
    const agent = await login(ui.browser, ui.env.url, 'agent');
    // an order walked to its installation step through the API (the wizard test covers the steps)
    type O = { orderId: string; revision: number; nextStep: string };
    const c = (await call(agent, 'POST', '/api/v1/customers', newCustomerBody())).body as {
      customer: { customerId: string };
    };
    const customerId = c.customer.customerId;
    let o = (
      await call(agent, 'POST', '/api/v1/orders', { customerId, msisdn: newMsisdn(), channel: 'counter' })
    ).body as O;
    o = (
      await call(agent, 'POST', `/api/v1/orders/${o.orderId}/plan`, {
        revision: o.revision,
        planId: 'changxiang-128',
        device: { model: 'CPE-5G', quantity: 1 },
      })
    ).body as O;
    const draft = (await call(agent, 'POST', `/api/v1/orders/${o.orderId}/contract`)).body as {
      contractId: string;
    };
    await call(agent, 'POST', `/api/v1/contracts/${draft.contractId}/sign`, {
      party: 'customer',
      signer: '张三',
    });
    await call(agent, 'POST', `/api/v1/contracts/${draft.contractId}/sign`, {
      party: 'carrier',
      signer: 'agent',
    });
    o = (await call(agent, 'GET', `/api/v1/orders/${o.orderId}`)).body as O;
    const stockOf = async () =>
      (
        (await call(agent, 'GET', '/api/v1/inventory?region=gd')).body as {
          items: { model: string; available: number }[];
        }
      ).items.find((x) => x.model === 'CPE-5G')!.available;
    const before = await stockOf();
    const res = (
      await call(agent, 'POST', '/api/v1/reservations', {
        customerId,
        region: 'gd',
        model: 'CPE-5G',
        quantity: 1,
        planId: 'changxiang-128',
        slotStartMs: reservationSlot(),
        channel: 'counter',
      })
    ).body as { reservationId: string };
    o = (
      await call(agent, 'POST', `/api/v1/orders/${o.orderId}/reservation`, {
        revision: o.revision,
        reservationId: res.reservationId,
      })
    ).body as O;
    expect(o.nextStep).toBe('installation');
    expect(await stockOf()).toBe(before - 1);

    await agent.goto(`${ui.env.url}/#/order/${o.orderId}`);
    await agent
      .getByTestId('current-step')
      .getByRole('heading', { name: '上门安装' })
      .waitFor({ timeout: 15_000 });
    // while open, the header says when the system withdraws it if nothing happens (7 days on)
    const autoAt = await agent.getByTestId('auto-withdraw').textContent();
    const inAWeek = new Date(Date.now() + 7 * 86_400_000 + 8 * 3_600_000).toISOString().slice(5, 10);
    expect(autoAt).toMatch(new RegExp(`如无进展，系统将于 ${inAWeek} \\d\\d:\\d\\d 自动撤单`));
    const cancel = agent.locator('sbss-order-cancel');
    await cancel.getByText('撤单', { exact: true }).click();
    await cancel.getByLabel('撤单原因').fill('客户改用其他宽带');
    let asked = '';
    agent.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await cancel.getByRole('button', { name: '确认撤单' }).click();
    await cancel.getByText('订单已撤销；设备预约已取消，取消费 ¥0.00').waitFor({ timeout: 10_000 });
    expect(asked).toBe(`确定撤销订单 ${o.orderId}？撤销后不能恢复。`);
    // the wizard offers no more steps for it, and the device is back
    await agent.getByTestId('current-step').getByText('该订单已撤销，不能继续办理').waitFor();
    expect(await agent.getByTestId('auto-withdraw').count()).toBe(0);
    expect(await agent.getByTestId('current-step').getByRole('button').count()).toBe(0);
    expect(await stockOf()).toBe(before);
    await agent.context().close();
  });
});
