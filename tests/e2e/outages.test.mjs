// A manager publishes a fault outage for their area; a customer there sees the banner on every
// page and the notification; anyone can find it in the public look-up without signing in;
// restoring power clears the banner. With JavaScript on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, phone, ready, signIn, assertFitsPhone, modes, localInput } from './helpers.mjs';

// Households 33 and 37 live in Qingfengshan (QFS), served by area manager M1009; no other
// journey touches that area.
const HOUSEHOLDS = ['13800000033', '13800000037'];

for (const [index, { js, name: mode }] of modes.entries()) {
  test(`a manager publishes an outage, the customer and the public see it until it is restored (${mode})`, async () => {
    const manager = await phone(js);
    const customer = await phone(js);
    const passerby = await phone(js);
    const reason = `青峰山线路故障 ${mode}`;
    try {
      await signIn(manager, js, 'M1009');
      await manager.waitForURL(`${BASE}/manager`);
      await manager.goto(`${BASE}/outages/new`);
      await ready(manager, js);
      await assertFitsPhone(manager);
      // Publishing without choosing anything names each missing field.
      await manager.click('form.publish button[type=submit]');
      await manager.locator('#field-kind-error').filter({ hasText: '请选择' }).waitFor();
      // Planned work two days ahead is refused in days, and everything typed stays.
      await ready(manager, js);
      await manager.check('#kind-planned');
      await manager.fill('#field-reason', reason);
      await manager.check('#area-QFS');
      await manager.fill('#field-starts_at', localInput(48));
      await manager.fill('#field-ends_at', localInput(52));
      await manager.click('form.publish button[type=submit]');
      await manager.locator('#field-starts_at-error').filter({ hasText: '7 天' }).waitFor();
      assert.equal(await manager.inputValue('#field-reason'), reason);
      assert.ok(await manager.isChecked('#kind-planned') && await manager.isChecked('#area-QFS'), 'choices kept');
      assert.equal(await manager.inputValue('#field-starts_at'), localInput(48).slice(0, 16));
      await ready(manager, js);
      await manager.check('#kind-fault');
      await manager.fill('#field-starts_at', '');
      await manager.fill('#field-ends_at', localInput(3));
      await manager.click('form.publish button[type=submit]');
      await manager.waitForURL(/\/outages\/\d+$/);
      const outageUrl = manager.url();
      await manager.locator('.badge.status-in_progress').first().waitFor();

      await signIn(customer, js, HOUSEHOLDS[index]);
      await customer.waitForURL(`${BASE}/me`);
      const banner = customer.locator('.outage-banner', { hasText: reason });
      await banner.waitFor();
      // A warning, not a header link: amber, a full-width tap target.
      const look = await banner.evaluate((b) => ({ bg: getComputedStyle(b).backgroundColor, height: b.getBoundingClientRect().height }));
      assert.equal(look.bg, 'rgb(255, 242, 214)');
      assert.ok(look.height >= 44, `banner ${look.height}px`);
      await assertFitsPhone(customer);
      await customer.goto(`${BASE}/notifications`);
      await customer.locator('.notice', { hasText: '停电已开始' }).first().waitFor();
      await customer.locator('.outage-banner', { hasText: reason }).waitFor();

      // The public look-up: part of the village's name, no account.
      await passerby.goto(`${BASE}/outages`);
      await ready(passerby, js);
      await passerby.fill('#outage-q', '青峰');
      await passerby.click('form.outage-search button[type=submit]');
      await passerby.locator('.outages .card', { hasText: reason }).waitFor();
      await assertFitsPhone(passerby);

      // Power is back: the banner goes.
      await manager.goto(outageUrl);
      await ready(manager, js);
      await manager.click('button.action-restore');
      await manager.locator('.badge.status-restored').first().waitFor();
      await customer.goto(`${BASE}/tickets`);
      await ready(customer, js);
      assert.equal(await customer.locator('.outage-banner', { hasText: reason }).count(), 0);
      await customer.goto(`${BASE}/my-outages`);
      await customer.locator('.phase-restored .card', { hasText: reason }).waitFor();
    } finally {
      await manager.context().close();
      await customer.context().close();
      await passerby.context().close();
    }
  });
}
