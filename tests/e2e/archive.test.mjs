// The customer archive: a manager sees a customer's number masked, shows it by giving a reason
// (refused without one), the reading is recorded, the household sees on its settings page who
// read its data and why, and the supervisor finds the reading in the register.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ready, assertFitsPhone, modes, signedIn, open } from './helpers.mjs';

// Households 9 and 25 are community manager M1003's in the demo county.
const HOUSEHOLDS = ['13800000009', '13800000025'];

for (const [index, { js, name: mode }] of modes.entries()) {
  test(`a manager shows a customer's number for a reason and the household sees the reading (${mode})`, async () => {
    const phoneNo = HOUSEHOLDS[index];
    const account = `31000${phoneNo.slice(-5)}`;
    const masked = `${phoneNo.slice(0, 3)}****${phoneNo.slice(-4)}`;
    const manager = await signedIn(js, 'M1003', '/manager');
    let household;
    let supervisor;
    try {
      await open(manager, js, `/manager?q=${account}`);
      const row = manager.locator('li.customer', { hasText: account });
      assert.equal((await row.locator('.phone .masked').textContent()).trim(), masked);
      assert.ok(!(await manager.content()).includes(phoneNo), 'the list carries no number in full');
      await row.locator('a.show-personal').click();
      await manager.waitForURL(`${BASE}/archive/${account}`);
      await ready(manager, js);
      assert.equal((await manager.textContent('dd.phone')).trim(), masked);
      await assertFitsPhone(manager);

      // No reason: said at the reason, nothing shown.
      await manager.click('section.card form button[type=submit]');
      await manager.locator('#field-reason-error').filter({ hasText: /.+/ }).waitFor();
      assert.equal(await manager.locator('a.button.call').count(), 0);
      await ready(manager, js);
      await manager.click('label[for=reason-call_back]');
      await manager.click('section.card form button[type=submit]');
      await manager.waitForURL(/reading=/);
      await ready(manager, js);
      await manager.locator(`a.button.call[href="tel:${phoneNo}"]`).waitFor();
      assert.match(await manager.textContent('p.notice.shown'), /回电处理工单/);
      await assertFitsPhone(manager);

      household = await signedIn(js, phoneNo, '/me');
      await open(household, js, '/settings');
      const seen = household.locator('li.seen-reading').first();
      await seen.waitFor();
      const line = await seen.textContent();
      assert.match(line, /客户经理/);
      assert.match(line, /回电处理工单/);
      assert.match(line, /电话/);
      await assertFitsPhone(household);

      supervisor = await signedIn(js, 'S0001', '/supervisor');
      await open(supervisor, js, `/supervisor/archive?account=${account}`);
      const lines = supervisor.locator('table.register tbody tr', { hasText: 'M1003' });
      assert.ok((await lines.count()) >= 1, 'the register holds the reading');
      await assertFitsPhone(supervisor);
    } finally {
      await manager.context().close();
      await household?.context().close();
      await supervisor?.context().close();
    }
  });
}
