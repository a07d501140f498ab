// Grids: a supervisor sees the development zone's grid uneven (twelve households with one of
// its two managers), reviews the balancing proposal on a phone, drops lines, applies the rest,
// and a moved household finds its new manager on its home page and a notification saying so.
// The first mode applies three of six lines, the second the three the new proposal then holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ready, assertFitsPhone, modes, signedIn, open } from './helpers.mjs';

const NEW_MANAGER = '郑佳';

for (const [index, { js, name: mode }] of modes.entries()) {
  test(`a supervisor balances a grid and a moved household sees its new manager (${mode})`, async () => {
    const supervisor = await signedIn(js, 'S0001', '/supervisor');
    let household;
    try {
      await open(supervisor, js, '/supervisor/grids');
      const grid = supervisor.locator('.grid-card', { has: supervisor.locator('h3', { hasText: '开发区网格' }) });
      await grid.waitFor();
      await assertFitsPhone(supervisor);
      await grid.locator('a', { hasText: '生成均衡方案' }).click();
      await supervisor.waitForURL(/\/supervisor\/grids\/balance\?grid=\d+/);
      await ready(supervisor, js);
      await assertFitsPhone(supervisor);

      const lines = supervisor.locator('ul.balance-lines li');
      const count = await lines.count();
      assert.equal(count, index === 0 ? 6 : 3, 'six moves even 12 and 0; after three, three more');
      const first = await lines.first().textContent();
      assert.match(first, new RegExp(`${NEW_MANAGER}`));
      const account = first.match(/31000\d{5}/)[0];
      if (index === 0) {
        // The supervisor drops the last three lines.
        for (let i = 3; i < 6; i += 1) await lines.nth(i).locator('input[type=checkbox]').uncheck();
      }
      await supervisor.click('form button.primary[type=submit]');
      await supervisor.locator('p.form-done', { hasText: /已执行/ }).waitFor();
      await ready(supervisor, js);
      await assertFitsPhone(supervisor);

      household = await signedIn(js, `1380000${account.slice(-4)}`, '/me');
      assert.match(await household.textContent('.manager-name'), new RegExp(NEW_MANAGER));
      await open(household, js, '/notifications');
      await household.locator('li.notice', { hasText: `您的客户经理已变更为${NEW_MANAGER}` }).waitFor();
      await assertFitsPhone(household);
      assert.ok(household.url().startsWith(BASE));
    } finally {
      await supervisor.context().close();
      await household?.context().close();
    }
  });
}
