import { describe, expect, it } from 'vitest';
import { residentId } from '../support/care.ts';
import { beijingText, login, shot, systemInChromium } from './support.ts';

/** Supervisor and admin work (计费管理, 库存管理, ID-change approval) against the whole system, in Chromium. */
describe('supervisor and admin screens in Chromium', () => {
  const ui = systemInChromium();

  it('计费管理: a supervisor runs the month-end bills; an admin checks and saves a catalog version', async () => {
    const sup = await login(ui.browser, ui.env.url, 'supervisor');
    await sup.getByRole('link', { name: '计费管理' }).click();
    await expect.poll(() => sup.url()).toContain('#/billing');
    const run = sup.locator('sbss-bill-run');
    // the default is last month (Beijing time)
    const last = await run.getByLabel('账期月份').inputValue();
    const thisMonth = beijingText(Date.now()).slice(0, 7);
    const [y, m] = thisMonth.split('-').map(Number) as [number, number];
    expect(last).toBe(m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`);
    // the current month has not ended: refused, with why
    await run.getByLabel('账期月份').fill(thisMonth);
    await run.getByRole('button', { name: '出账' }).click();
    await run.getByText(`${thisMonth} 尚未结束，月末之后才能出账`).waitFor();
    // last month: the demo lines started yesterday, so nothing of theirs to bill
    await run.getByLabel('账期月份').fill(last);
    await run.getByRole('button', { name: '出账' }).click();
    await run.getByText(new RegExp(`^${last} 出账完成：后付费号码 \\d+ 个，新出账单 0 张`)).waitFor();
    // supervisors read the catalog and may check a change, not save it
    const supCatalog = sup.locator('sbss-catalog-editor');
    await supCatalog.getByText('只有管理员可以保存资费目录').waitFor();
    expect(await supCatalog.getByRole('button', { name: '保存为新版本' }).count()).toBe(0);
    await sup.context().close();

    const admin = await login(ui.browser, ui.env.url, 'admin');
    await admin.getByRole('link', { name: '计费管理' }).click();
    const editor = admin.locator('sbss-catalog-editor');
    await editor
      .getByTestId('cat-in-force')
      .getByText(/现行版本 0（2025\.07-demo）/)
      .waitFor();
    expect(await editor.locator('tbody tr').count()).toBeGreaterThan(3);
    const doc = editor.getByLabel('资费目录（JSON）');
    const original = JSON.parse(await doc.inputValue()) as {
      catalogVersion: string;
      windowSchedule: { startMinute: number }[];
    };
    // a gap in the time windows: every issue listed by path, nothing to save
    const broken = structuredClone(original);
    broken.windowSchedule[1]!.startMinute = 430;
    await doc.fill(JSON.stringify(broken, null, 2));
    await editor.getByRole('button', { name: '校验' }).click();
    await editor.getByTestId('cat-issues').getByText('/windowSchedule/1/startMinute').waitFor();
    expect(await editor.getByRole('button', { name: '保存为新版本' }).isDisabled()).toBe(true);
    await doc.fill(JSON.stringify({ ...original, catalogVersion: '2026.11-ui' }, null, 2));
    await editor.getByRole('button', { name: '校验' }).click();
    await editor.getByText('校验通过，可以保存').waitFor();
    await editor.getByLabel('原因').fill('年末版本号整理');
    await editor.getByRole('button', { name: '保存为新版本' }).click();
    await editor.getByText(/已保存为版本 1（2026\.11-ui）/).waitFor();
    await editor
      .getByTestId('cat-in-force')
      .getByText(/现行版本 1（2026\.11-ui） · admin 于 .+ 保存：年末版本号整理/)
      .waitFor();
    await editor.getByText('历史版本（1）').waitFor();
    await shot(admin, 'billing-catalog');
    await admin.context().close();
  });
  it('库存管理: a supervisor reads every warehouse and books stock in', async () => {
    const sup = await login(ui.browser, ui.env.url, 'supervisor');
    await sup.getByRole('link', { name: '库存管理' }).click();
    await expect.poll(() => sup.url()).toContain('#/stock');
    const table = sup.getByTestId('stock-table');
    // what npm start booked in: five models in each of bj, sh and gd
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThanOrEqual(15);
    const row = (region: string, model: string) =>
      table
        .locator('tbody tr')
        .filter({ has: sup.locator(`td:text-is("${region}")`) })
        .filter({
          has: sup.locator(`td:text-is("${model}")`),
        });
    expect((await row('sh', 'MIFI-4G').innerText()).replace(/\s+/g, ' ')).toBe('sh MIFI-4G 随身WiFi 20');
    const form = sup.locator('sbss-stock-admin form');
    await form.getByLabel('区域').fill('sh');
    await form.getByLabel('型号').fill('MIFI-4G');
    await form.getByLabel('类型').selectOption('mifi');
    await form.getByLabel('可用数量').fill('7');
    await form.getByRole('button', { name: '设定库存' }).click();
    await sup.getByText('sh MIFI-4G 可用数量已设为 7').waitFor();
    await expect
      .poll(async () => (await row('sh', 'MIFI-4G').innerText()).replace(/\s+/g, ' '))
      .toBe('sh MIFI-4G 随身WiFi 7');
    // a supervisor has eight pages: in English at 1280 px their links wrap inside the bar, and the
    // log-out button stays on the brand's line (it once wrapped alone onto a second line)
    await sup.getByRole('button', { name: 'English' }).click();
    await sup.getByRole('link', { name: 'Stock' }).waitFor();
    const brand = await sup.getByText('StreamBSS real-time operations').boundingBox();
    const logout = await sup.getByRole('button', { name: 'Log out' }).boundingBox();
    expect(logout!.y).toBeLessThan(brand!.y + brand!.height);
    await sup.getByRole('button', { name: '中文' }).click();
    await sup.context().close();
  });

  it('证件变更: an agent asks for it at the counter, another supervisor approves it from the queue', async () => {
    const newId = residentId(4242);
    const agent = await login(ui.browser, ui.env.url, 'agent');
    await expect.poll(() => agent.url()).toContain('#/care');
    await agent.getByLabel(/搜索客户/).pressSequentially('13800000042', { delay: 20 });
    await agent.getByTestId('results').getByRole('button').first().click({ timeout: 15_000 });
    const actions = agent.locator('sbss-care-actions');
    await actions.getByRole('button', { name: '修改资料' }).click();
    await actions.getByLabel('证件号码').fill(newId);
    // the supervisor decides on the reason: none given, nothing is sent
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('证件变更须填写原因，供主管审批').waitFor();
    await actions.getByLabel('原因').fill('换发新证');
    await actions.getByRole('button', { name: '提交' }).click();
    await actions.getByText('证件变更已提交，待主管审批').waitFor({ timeout: 15_000 });
    // the profile says what waits, and that the agent cannot decide it
    const review = agent.locator('sbss-identity-review');
    await review.getByText('须由主管审批后生效。').waitFor({ timeout: 10_000 });
    expect(await review.getByTestId('identity-change').innerText()).toMatch(
      new RegExp(
        `居民身份证 110\\*+0017 → 居民身份证 110\\*+${newId.slice(-4)}\\s+agent 于 .+ 提交 · 原因：换发新证$`,
      ),
    );
    expect(await review.getByRole('button').count()).toBe(0);
    await agent.context().close();

    const sup = await login(ui.browser, ui.env.url, 'supervisor');
    await sup.getByRole('link', { name: '客户360' }).click();
    const queue = sup.locator('sbss-identity-queue');
    // the queue reads the audit trail, which the sink projects about a second behind; it reads
    // again every 10 s by itself
    await expect.poll(() => queue.getByTestId('identity-queue').count(), { timeout: 25_000 }).toBe(1);
    expect(await queue.getByTestId('identity-queue').innerText()).toMatch(
      /李四 · .+\sagent 于 .+原因：换发新证/s,
    );
    await queue.getByRole('button', { name: /李四/ }).click();
    const decide = sup.locator('sbss-identity-review');
    await decide.getByLabel('审批意见（可选）').fill('已核对新证原件');
    await shot(sup, 'care-identity-review');
    await decide.getByRole('button', { name: '批准' }).click();
    await decide.getByText('已批准，证件信息已更新').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => sup.getByTestId('id-number').textContent(), { timeout: 10_000 })
      .toBe(`110***********${newId.slice(-4)}`);
    await queue.getByText('暂无待审批的证件变更').waitFor({ timeout: 10_000 });
    await sup.context().close();
  });

  it('装维人员: a supervisor marks a technician off duty and back on the NOC page; the NOC sees no button', async () => {
    const sup = await login(ui.browser, ui.env.url, 'supervisor');
    await sup.getByRole('link', { name: '网管监控' }).click();
    const roster = sup.locator('sbss-technician-roster');
    const off = roster.getByRole('button', { name: /^将.+设为休假$/ }).first();
    await off.waitFor({ timeout: 20_000 });
    const name = /^将(.+)设为休假$/.exec((await off.getAttribute('aria-label'))!)![1]!;
    sup.on('dialog', (d) => void d.accept());
    const techs = () =>
      sup.evaluate(
        async () =>
          (await (await fetch('/api/v1/noc/technicians')).json()) as { nameZh: string; offDuty: boolean }[],
      );
    const offDuty = async () => (await techs()).find((x) => x.nameZh === name)?.offDuty;
    // The NOC page re-reads the roster every few seconds and redraws its rows: a click landing on
    // a row being redrawn is lost (as it would be for a user, who clicks again), so click until
    // the roster says so.
    const toggle = async (label: string, done: string, want: boolean) => {
      for (let i = 0; i < 3 && (await offDuty()) !== want; i++) {
        await roster
          .getByRole('button', { name: label })
          .click({ timeout: 5000 })
          .catch(() => undefined);
        await expect
          .poll(offDuty, { timeout: 4000 })
          .toBe(want)
          .catch(() => undefined);
      }
      expect(await offDuty()).toBe(want);
      await roster.getByText(done).waitFor({ timeout: 10_000 });
    };
    await toggle(`将${name}设为休假`, `${name}已设为休假`, true);
    await toggle(`${name}恢复在岗`, `${name}已恢复在岗`, false);
    // a row's button stays with its technician when the rows come back in another order (a
    // re-read, a sort by load): a click lands on whom it was aimed at
    const kept = await roster.evaluate(async (el) => {
      const host = el as HTMLElement & { technicians: unknown[]; updateComplete: Promise<unknown> };
      const table = host.shadowRoot!.querySelector('sbss-data-table') as HTMLElement & {
        updateComplete: Promise<unknown>;
      };
      const button = table.shadowRoot!.querySelector('tbody button')!;
      const before = button.getAttribute('aria-label');
      const [first, second, ...rest] = host.technicians;
      host.technicians = [second, first, ...rest];
      await host.updateComplete;
      await table.updateComplete;
      return { before, after: button.getAttribute('aria-label'), connected: button.isConnected };
    });
    expect(kept.after).toBe(kept.before);
    expect(kept.connected).toBe(true);
    await sup.context().close();

    const noc = await login(ui.browser, ui.env.url, 'noc');
    await noc.getByRole('link', { name: '网管监控' }).click();
    await noc.locator('sbss-technician-roster').locator('tbody tr').first().waitFor({ timeout: 20_000 });
    expect(
      await noc
        .locator('sbss-technician-roster')
        .getByRole('button', { name: /设为休假/ })
        .count(),
    ).toBe(0);
    await noc.context().close();
  });
});
