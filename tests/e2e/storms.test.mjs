// A storm: three households of one area report at once; their manager sees the burst above the
// queue and links the reports to one outage in one tap; each reporter hears of it. The first run
// (JavaScript on) finds no outage under way and starts a fault outage; the second (JavaScript
// off) finds that one under way and joins it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, phone, ready, signIn, assertFitsPhone, modes, localInput, sendReport } from './helpers.mjs';

// Households in Shuanghe (SH), served by area manager M1008; no other journey touches them.
const HOUSEHOLDS = [['13800000032', '13800000036', '13800000040'], ['13800000044', '13800000048', '13800000052']];

/** Reports a fault for a household; returns its signed-in page and the ticket number. */
async function report(js, household) {
  const page = await phone(js);
  await signIn(page, js, household);
  await page.waitForURL(`${BASE}/me`);
  return { page, number: await sendReport(page, 'area_dark', '整条街都黑了') };
}

for (const [index, { js, name: mode }] of modes.entries()) {
  test(`a manager links a storm of reports to one outage in one tap (${mode})`, async () => {
    const reporters = [];
    const manager = await phone(js);
    try {
      for (const household of HOUSEHOLDS[index]) reporters.push(await report(js, household));
      await signIn(manager, js, 'M1008');
      await manager.waitForURL(`${BASE}/manager`);
      await manager.goto(`${BASE}/queue`);
      await ready(manager, js);
      const storm = manager.locator('section.storms form.storm', { hasText: '3 条报修' });
      await storm.waitFor();
      await assertFitsPhone(manager);
      if (index === 0) {
        assert.equal(await storm.locator('input[name=outage]').count(), 0, 'no outage under way yet');
        await storm.locator('input[name=reason]').fill('双河大风断线');
        await storm.locator('input[name=estimate]').fill(localInput(3));
      } else {
        await storm.locator('a', { hasText: '双河大风断线' }).waitFor();
      }
      await storm.locator('button[type=submit]').click();
      await manager.waitForURL(/\/outages\/\d+$/);
      await manager.locator('.badge.status-in_progress').first().waitFor();
      await manager.goto(`${BASE}/queue`);
      await ready(manager, js);
      await manager.locator('h1').waitFor();
      assert.equal(await manager.locator('section.storms').count(), 0, 'nothing left to link');

      for (const { page, number } of reporters) {
        await page.goto(`${BASE}/notifications`);
        await page.locator(`.notice a[href="/tickets/${number}"]`, { hasText: '并入' }).waitFor();
      }
    } finally {
      await manager.context().close();
      for (const { page } of reporters) await page.context().close();
    }
  });
}
