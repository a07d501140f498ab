// The supervisor moves a customer to another manager of the right tier, at phone width,
// with JavaScript on and off; the customer then sees the new manager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, phone, ready, signIn, assertFitsPhone, modes, sendReport } from './helpers.mjs';

for (const [index, { js, name: mode }] of modes.entries()) {
  // A different household per mode, so the two runs do not depend on each other.
  const account = `310000000${index + 4}`;
  const household = `138000000${String(index + 4).padStart(2, '0')}`;

  test(`a supervisor reassigns a customer and the customer sees the new manager (${mode})`, async () => {
    let targetName;
    const page = await phone(js);
    try {
      await signIn(page, js, 'S0001');
      await page.waitForURL(`${BASE}/supervisor`);
      await ready(page, js);
      await page.fill('#account-lookup', account);
      await page.click('form.search button[type=submit]');
      await page.waitForURL(`${BASE}/supervisor/customer?account=${account}`);
      await ready(page, js);
      const before = (await page.textContent('.current-manager')).trim();

      // Submitting without choosing is explained next to the field.
      await page.click('form.form button[type=submit]');
      await page.locator('#field-manager_id-error').filter({ hasText: '请选择' }).waitFor();

      const options = await page.$$eval('#field-manager_id option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
      const target = options.find((o) => o.value !== '');
      targetName = target.text.split(' · ')[0];
      assert.notEqual(targetName, before);
      await ready(page, js);
      await page.selectOption('#field-manager_id', target.value);
      await page.click('form.form button[type=submit]');
      await page.locator('.current-manager').filter({ hasText: targetName }).waitFor();
      await page.locator('.form-done').filter({ hasText: '已改派' }).waitFor();
      // The history can render a moment after the current manager: wait for its new row first.
      await page.locator('ol.history li').nth(1).waitFor();
      assert.equal(await page.locator('ol.history li').count(), 2);
      await assertFitsPhone(page);
    } finally {
      await page.context().close();
    }

    const customer = await phone(js);
    try {
      await signIn(customer, js, household);
      await customer.waitForURL(`${BASE}/me`);
      await customer.waitForSelector('article.manager .manager-name');
      const now = (await customer.textContent('article.manager .manager-name')).trim();
      assert.equal(now, targetName);
    } finally {
      await customer.context().close();
    }
  });
}

for (const { js, name: mode } of modes) {
  test(`refusals say what is wrong where it is, and a customer sees nothing of the queue (${mode})`, async () => {
    const page = await phone(js);
    try {
      await signIn(page, js, 'S0001');
      await page.waitForURL(`${BASE}/supervisor`);
      // An account number of the wrong length is said under the look-up field, not as a failed page.
      await page.goto(`${BASE}/supervisor/customer?account=12345`);
      await ready(page, js);
      await page.locator('#account-lookup-error').filter({ hasText: '10' }).waitFor();
      assert.equal(await page.inputValue('#account-lookup'), '12345');
      assert.equal(await page.locator('.failure').count(), 0);
      await assertFitsPhone(page);
    } finally {
      await page.context().close();
    }
    const customer = await phone(js);
    try {
      await signIn(customer, js, '13800000009');
      await customer.waitForURL(`${BASE}/me`);
      const response = await customer.goto(`${BASE}/queue`);
      assert.equal(response.status(), 404);
      await ready(customer, js);
      await customer.waitForSelector('.failure');
      assert.equal(await customer.locator('form.filters').count(), 0, 'no queue filters');
      assert.equal(await customer.locator('h1', { hasText: '工单队列' }).count(), 0, 'no queue heading');
    } finally {
      await customer.context().close();
    }
  });
}

// Households 14 and 18 (community manager M1004): their repairs end in low ratings, so the
// supervisor owes two follow-up calls; no other journey touches them.
test('a message shows under the follow-up card that was sent, and a closed call says so (JavaScript on)', async () => {
  const staff = await phone(true);
  const households = [];
  try {
    await signIn(staff, true, 'M1004');
    await staff.waitForURL(`${BASE}/manager`);
    for (const household of ['13800000014', '13800000018']) {
      const page = await phone(true);
      households.push(page);
      await signIn(page, true, household);
      await page.waitForURL(`${BASE}/me`);
      const number = await sendReport(page, 'no_power');
      for (const step of [{ action: 'accept' }, { action: 'dispatch', crew_name: '抢修二班', crew_phone: '13911113333' }, { action: 'arrive' }, { action: 'restore' }]) {
        const done = await staff.request.post(`${BASE}/api/advance`, { form: { number, ...step } });
        assert.equal(done.status(), 200, `${step.action}: ${await done.text()}`);
      }
      const rated = await page.request.post(`${BASE}/api/rate`, {
        form: { number, overall: '1', speed: '1', attitude: '2', professionalism: '2', comment: '太慢了' },
      });
      assert.equal(rated.status(), 200, await rated.text());
    }
  } finally {
    for (const page of households) await page.context().close();
    await staff.context().close();
  }

  const supervisor = await phone(true);
  try {
    await signIn(supervisor, true, 'S0001');
    await supervisor.waitForURL(`${BASE}/supervisor`);
    await supervisor.goto(`${BASE}/supervisor/follow-ups`);
    await ready(supervisor, true);
    const cards = supervisor.locator('li.follow-up');
    assert.ok(await cards.count() >= 2, 'two follow-ups owed');
    // An empty note on the first card: the message is under that card only.
    await cards.nth(0).locator('button[type=submit]').click();
    await cards.nth(0).locator('.field-error').filter({ hasText: '请填写' }).waitFor();
    const messages = await supervisor.locator('li.follow-up .field-error').evaluateAll((ps) => ps.filter((p) => p.textContent.trim()).length);
    assert.equal(messages, 1, 'one message, under the card sent');
    // Closing the second with a note says so, and its card leaves the list.
    const before = await cards.count();
    await cards.nth(1).locator('textarea').fill('已致电，客户接受道歉');
    await cards.nth(1).locator('button[type=submit]').click();
    await supervisor.locator('.form-done').filter({ hasText: '回访已结束' }).waitFor();
    await supervisor.waitForFunction((n) => document.querySelectorAll('li.follow-up').length === n - 1, before);
    await assertFitsPhone(supervisor);
  } finally {
    await supervisor.context().close();
  }
});
