import { describe, expect, it } from 'vitest';
import { beijingText, login, shot, systemInChromium } from './support.ts';

/** Supervisor and admin pages (计费管理, 库存管理) against the whole system, in Chromium. */
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
});
