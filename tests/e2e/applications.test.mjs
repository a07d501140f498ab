// Service applications at phone width, with JavaScript on and off: a household applies for a
// capacity increase with two of its three documents; the manager asks for the missing one in
// one request; the household adds it; the manager accepts and hands the site survey to the
// connection centre, whose staff take it, ask the manager a question, get the answer and
// complete it; the household sees each customer-facing step on its application.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ready, assertFitsPhone, modes, photo, signedIn, open, takeStep } from './helpers.mjs';

// Each mode its own household and manager, so the two runs do not depend on each other.
const cast = [
  { household: '13800000005', manager: 'M1003' },
  { household: '13800000026', manager: 'M1004' },
];

const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** Sends one file for an item of the application and waits for the item's new state. */
async function sendDocument(page, js, item, file, state) {
  await page.setInputFiles(`li[data-item=${item}] input[type=file]`, file);
  await page.click(`li[data-item=${item}] button[type=submit]`);
  await page.locator(`li[data-item=${item}][data-state=${state}]`).waitFor();
  await ready(page, js);
}

async function stage(page, js, name) {
  await page.locator(`.badge.application-${name}`).first().waitFor();
  await ready(page, js);
}

for (const [index, { js, name: mode }] of modes.entries()) {
  const { household, manager: managerId } = cast[index];

  test(`a capacity increase is told in one go, reviewed once and surveyed by the connection centre (${mode})`, async () => {
    const customer = await signedIn(js, household, '/me');
    const manager = await signedIn(js, managerId, '/manager');
    const connection = await signedIn(js, 'D2003', '/department');
    try {
      // Choosing the kind lists everything it needs at once, each with why.
      await open(customer, js, '/apply');
      await customer.selectOption('#field-kind', 'capacity_increase');
      await customer.click('form.apply-kind button[type=submit]');
      await customer.waitForURL(`${BASE}/apply?kind=capacity_increase`);
      await ready(customer, js);
      const needs = await customer.textContent('.needs-list');
      for (const item of ['身份证', '房产证明', '用电设备及负荷清单']) assert.ok(needs.includes(item), needs);
      await assertFitsPhone(customer);
      // The capacity is asked for and checked next to its field.
      await customer.fill('#field-capacity_kva', '十二');
      await customer.click('form.apply-start button[type=submit]');
      await customer.locator('#field-capacity_kva-error').filter({ hasText: '1' }).waitFor();
      await ready(customer, js);
      await customer.fill('#field-capacity_kva', '12');
      await customer.click('form.apply-start button[type=submit]');
      await customer.waitForURL(/\/applications\/[0-9A-Z]{8}$/);
      await ready(customer, js);
      const number = customer.url().split('/').pop();

      // Two of the three documents, then submit.
      await sendDocument(customer, js, 'id_card', { name: 'id.png', mimeType: 'image/png', buffer: photo() }, 'provided');
      await sendDocument(customer, js, 'property_proof', { name: 'deed.pdf', mimeType: 'application/pdf', buffer: pdf }, 'provided');
      await customer.click('form.submit-application button[type=submit]');
      await stage(customer, js, 'submitted');
      await assertFitsPhone(customer);

      // The manager asks for the missing load list in one request (it is ticked already).
      await open(manager, js, `/applications/${number}`);
      assert.ok(await manager.isChecked('input[name=item_load_list]'), 'a missing document is ticked for the request');
      await manager.click('form.review button[value=request]');
      await stage(manager, js, 'documents_requested');

      // The household sees what is asked for, adds it and sends the application again.
      await open(customer, js, `/applications/${number}`);
      await customer.locator('li[data-item=load_list][data-state=requested]').waitFor();
      await customer.locator('li[data-item=id_card][data-state=accepted]').waitFor();
      assert.equal(await customer.locator('li[data-item=id_card] input[type=file]').count(), 0, 'an accepted document is not sent again');
      await sendDocument(customer, js, 'load_list', { name: 'loads.pdf', mimeType: 'application/pdf', buffer: pdf }, 'changed');
      await customer.click('form.submit-application button[type=submit]');
      await stage(customer, js, 'submitted');

      // The manager accepts, and hands the site survey to the connection centre.
      await open(manager, js, `/applications/${number}`);
      await manager.click('form.review button[value=accept]');
      await stage(manager, js, 'site_survey');
      await manager.selectOption('#field-work_kind', 'site_survey');
      await manager.fill('#field-ask', '客户申请增容至12kVA，请现场勘查表箱和进户线。');
      await manager.click('form.hand-off button[type=submit]');
      const handed = manager.locator('.work-orders .work-summary', { hasText: '现场勘查' });
      await handed.waitFor();
      const order = (await handed.locator('a.ticket-link').getAttribute('href')).split('/').pop();
      await assertFitsPhone(manager);

      // The household reads: with the connection centre, until a date; and when it is due.
      await open(customer, js, `/applications/${number}`);
      await customer.locator('.work-lines li', { hasText: '由业扩报装中心办理' }).waitFor();
      await customer.locator('.badge.deadline').first().waitFor();

      // The connection centre takes it, asks the manager, gets the answer and completes it.
      await open(connection, js, '/department');
      await connection.click(`a[href="/work/${order}"]`);
      await connection.waitForURL(`${BASE}/work/${order}`);
      await ready(connection, js);
      await takeStep(connection, js, 'take', {}, '处理中');
      await takeStep(connection, js, 'ask', { note: '表箱在楼道还是户内？' }, '待客户经理答复');
      await open(manager, js, `/work/${order}`);
      await takeStep(manager, js, 'answer', { note: '在楼道，一楼东侧。' }, '处理中');
      await open(connection, js, `/work/${order}`);
      await takeStep(connection, js, 'complete', {
        customer_line: '现场勘查已完成，进户线可满足12kVA。',
        details: '表箱完好，需更换为60A空开。',
      }, '已完成');
      await assertFitsPhone(connection);

      // The household sees the survey's result, and nothing meant for staff.
      await open(customer, js, `/applications/${number}`);
      await customer.locator('.work-lines li.done', { hasText: '现场勘查已完成，进户线可满足12kVA。' }).waitFor();
      const text = await customer.textContent('main');
      for (const staffOnly of ['60A空开', '表箱在楼道还是户内', '郭艳']) {
        assert.ok(!text.includes(staffOnly), `the household sees no ${staffOnly}`);
      }
      await assertFitsPhone(customer);
    } finally {
      for (const page of [customer, manager, connection]) await page.context().close();
    }
  });
}
