// 1+N at phone width, with JavaScript on and off: the manager hands a fault ticket's meter
// check to the metering centre; its staff take it, ask the manager a question, get the answer
// and complete it; the household reads each customer-facing step on its ticket, and nothing
// meant for staff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ready, assertFitsPhone, modes, sendReport, signedIn, open, takeStep } from './helpers.mjs';

// Each mode its own household and manager, so the two runs do not depend on each other.
const cast = [
  { household: '13800000029', masked: '138****0029', manager: 'M1003' },
  { household: '13800000022', masked: '138****0022', manager: 'M1004' },
];

for (const [index, { js, name: mode }] of modes.entries()) {
  const { household, masked, manager: managerId } = cast[index];

  test(`a meter check handed to the metering centre is worked and told to the household (${mode})`, async () => {
    const customer = await signedIn(js, household, '/me');
    const manager = await signedIn(js, managerId, '/manager');
    const metering = await signedIn(js, 'D2004', '/department');
    try {
      const ticket = await sendReport(customer, 'no_power', '家里的电表走字特别快');

      // The manager hands it over from the ticket page; a hand-off without its fields is
      // explained next to each.
      await open(manager, js, `/tickets/${ticket}`);
      await manager.click('form.hand-off button[type=submit]');
      await manager.locator('#field-work_kind-error').filter({ hasText: '请选择' }).waitFor();
      await manager.locator('#field-ask-error').filter({ hasText: '请填写' }).waitFor();
      await ready(manager, js);
      await manager.selectOption('#field-work_kind', 'meter_check');
      await manager.fill('#field-ask', '客户反映电表走字快，请现场校验。');
      await manager.click('form.hand-off button[type=submit]');
      const handed = manager.locator('.work-orders .work-summary', { hasText: '电能表校验' });
      await handed.waitFor();
      await manager.locator('.work-orders .form-done').filter({ hasText: '已派单' }).waitFor();
      const number = (await handed.locator('a.ticket-link').getAttribute('href')).split('/').pop();
      await assertFitsPhone(manager);

      // The household reads where it is: with the metering centre, until a date.
      await open(customer, js, `/tickets/${ticket}`);
      await customer.locator('.work-lines li', { hasText: '由计量中心办理' }).waitFor();

      // The metering centre finds it in its list, with the phone masked, and takes it.
      await open(metering, js, '/department');
      await metering.click(`a[href="/work/${number}"]`);
      await metering.waitForURL(`${BASE}/work/${number}`);
      await ready(metering, js);
      assert.ok((await metering.textContent('dl.facts')).includes(masked), 'the phone is masked');
      // In the work order's own words: handed to the department, not a fault "report received".
      const history = await metering.textContent('ol.timeline');
      assert.ok(history.includes('已派发至部门') && !history.includes('收到报修'), history);
      assert.ok((await metering.textContent('form.photo-upload')).includes('照片或扫描件'));
      await takeStep(metering, js, 'take', {}, '处理中');
      await takeStep(metering, js, 'ask', { note: '需要客户在家开门吗？' }, '待客户经理答复');
      await assertFitsPhone(metering);

      // The manager answers the question on the work order's page.
      await open(manager, js, `/work/${number}`);
      assert.ok((await manager.textContent('ol.timeline')).includes('需要客户在家开门吗？'));
      await takeStep(manager, js, 'answer', { note: '需要，客户下午在家。' }, '处理中');

      // The metering centre completes it with a line for the customer and details for staff.
      await open(metering, js, `/work/${number}`);
      assert.ok((await metering.textContent('ol.timeline')).includes('需要，客户下午在家。'));
      await takeStep(metering, js, 'complete', {
        customer_line: '您的电能表经校验，误差在允许范围内。',
        details: '误差 +0.3%，封印完好。',
      }, '已完成');

      // The household reads the result on its ticket, and nothing meant for staff.
      await open(customer, js, `/tickets/${ticket}`);
      await customer.locator('.work-lines li.done', { hasText: '您的电能表经校验，误差在允许范围内。' }).waitFor();
      const text = await customer.textContent('main');
      for (const staffOnly of ['误差 +0.3%', '需要客户在家开门吗', '宋文博']) {
        assert.ok(!text.includes(staffOnly), `the household sees no ${staffOnly}`);
      }
      await assertFitsPhone(customer);
    } finally {
      for (const page of [customer, manager, metering]) await page.context().close();
    }
  });
}

for (const [index, { js, name: mode }] of modes.entries()) {
  const { household, manager: managerId } = cast[index];
  const account = `31000000${household.slice(-2)}`;

  test(`a manager hands a bill correction for a customer from the queue (${mode})`, async () => {
    const manager = await signedIn(js, managerId, '/manager');
    const billing = await signedIn(js, 'D2001', '/department');
    try {
      await open(manager, js, '/queue');
      await manager.click('.hand-off-own summary');
      // Someone else's account reads like one that does not exist, next to the field.
      await manager.fill('.hand-off-own #field-account', '3199999999');
      await manager.selectOption('.hand-off-own #field-work_kind', 'bill_correction');
      await manager.fill('.hand-off-own #field-ask', '11月按估抄计费，请按实抄数退补。');
      await manager.click('.hand-off-own button[type=submit]');
      await manager.locator('#field-account-error').filter({ hasText: '户号' }).waitFor();
      await ready(manager, js);
      await manager.fill('.hand-off-own #field-account', account);
      if (!js) await manager.selectOption('.hand-off-own #field-work_kind', 'bill_correction');
      await manager.click('.hand-off-own button[type=submit]');
      await manager.locator('.hand-off-own .form-done').filter({ hasText: '已派单' }).waitFor();
      await manager.locator('.work-orders .work-summary', { hasText: '电费退补' }).first().waitFor();
      await assertFitsPhone(manager);

      await open(billing, js, '/department?kind=bill_correction&state=open');
      await billing.locator('.work-summary', { hasText: '电费退补' }).first().waitFor();
      await assertFitsPhone(billing);
    } finally {
      for (const page of [manager, billing]) await page.context().close();
    }
  });
}

for (const [index, { js, name: mode }] of modes.entries()) {
  test(`a supervisor sees work orders by department and keeps the calendar (${mode})`, async () => {
    const supervisor = await signedIn(js, 'S0001', '/supervisor');
    try {
      await open(supervisor, js, '/supervisor/work-orders?days=90');
      const metering = supervisor.locator('table.figures tbody tr', { hasText: '计量中心' });
      await metering.waitFor();
      assert.ok(Number(await metering.locator('td').first().textContent()) >= 1, 'open metering work is counted');
      await assertFitsPhone(supervisor);

      // A make-up working day on a weekday is refused next to the date; on a Sunday it is kept.
      const year = new Date().getFullYear() + 1;
      await open(supervisor, js, `/supervisor/calendar?year=${year}`);
      const sunday = new Date(Date.UTC(year, 2, 7 + index * 7));
      while (sunday.getUTCDay() !== 0) sunday.setUTCDate(sunday.getUTCDate() + 1);
      const monday = new Date(sunday.getTime() + 86400000).toISOString().slice(0, 10);
      const day = sunday.toISOString().slice(0, 10);
      await supervisor.fill('#field-day', monday);
      await supervisor.selectOption('#field-working', 'workday');
      await supervisor.fill('#field-name_zh', '调休');
      await supervisor.fill('#field-name_en', 'Make-up day');
      await supervisor.click('form.form button[type=submit].primary');
      await supervisor.locator('#field-day-error').filter({ hasText: '本来就上班' }).waitFor();
      await ready(supervisor, js);
      await supervisor.fill('#field-day', day);
      await supervisor.click('form.form button[type=submit].primary');
      await supervisor.locator('.calendar-day', { hasText: day }).waitFor();
      await assertFitsPhone(supervisor);
    } finally {
      await supervisor.context().close();
    }
  });
}
