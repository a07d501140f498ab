// The satisfaction cycle at phone width, with JavaScript on and off: a supervisor reads the
// community tier's results by dimension for the quarter with the weakest dimension flagged,
// records an improvement action (a date in the past is refused at its field) and marks it done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ready, assertFitsPhone, modes, signedIn, open } from './helpers.mjs';

const cast = [
  { supervisor: 'S0001', dimension: 'speed', what: '抢修班组到场前电话告知预计到达时间。' },
  { supervisor: 'S0002', dimension: 'professionalism', what: '客户经理参加计量与电价政策培训。' },
];

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

for (const [index, { js, name: mode }] of modes.entries()) {
  const { supervisor: who, dimension, what } = cast[index];

  test(`a supervisor acts on the satisfaction results and marks the action done (${mode})`, async () => {
    const page = await signedIn(js, who, '/supervisor');
    try {
      await open(page, js, '/supervisor/scorecards');
      await page.click('a[href^="/supervisor/satisfaction"]');
      await page.waitForURL(/\/supervisor\/satisfaction/);
      await ready(page, js);
      const rows = page.locator('.satisfaction tbody tr');
      assert.ok(await rows.count() > 1, 'the tier and its areas');
      assert.ok(await page.locator('.satisfaction td.weakest').count() > 0, 'a weakest dimension is flagged');
      await assertFitsPhone(page);

      // The first area of the list (the weakest), a dimension, what, who, and a past date.
      const area = await page.locator('#field-area option').nth(1).getAttribute('value');
      await page.selectOption('#field-area', area);
      await page.click(`label[for=dimension-${dimension}]`);
      await page.fill('form.record-improvement textarea[name=action]', what);
      await page.fill('form.record-improvement input[name=owner]', '客户服务中心');
      await page.fill('form.record-improvement input[name=due_on]', day(-2));
      await page.click('form.record-improvement button[type=submit]');
      await page.locator('#field-due_on-error', { hasText: /\S/ }).waitFor();
      await ready(page, js);
      assert.equal(await page.inputValue('form.record-improvement textarea[name=action]'), what, 'what was typed stays');

      await page.fill('form.record-improvement input[name=due_on]', day(14));
      await page.click('form.record-improvement button[type=submit]');
      const item = page.locator('.improvement-actions li', { hasText: what });
      await item.waitFor();
      await ready(page, js);
      assert.ok((await item.textContent()).includes('本周期'), 'the period’s figure beside the action');

      await item.locator('button[type=submit]').click();
      await page.locator('.improvement-actions li', { hasText: what }).locator('.badge.action-done').waitFor();
      await ready(page, js);
      await assertFitsPhone(page);
    } finally {
      await page.context().close();
    }
  });
}
