// Complaints at phone width, with JavaScript on and off: a household complains about a late
// repair from its ticket; the supervisor (not the manager) records the contact, finds it
// upheld and replies; the household reads the reply and rates the handling; the manager it
// concerns sees that it exists and gives an account, but none of the handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ready, assertFitsPhone, modes, phone, photo, signedIn, open, sendReport } from './helpers.mjs';

// Each mode its own household (and so its own manager), so the two runs do not depend on each other.
const cast = [
  { household: '13800000007', manager: 'M1005' },
  { household: '13800000008', manager: 'M1006' },
];

async function stage(page, js, name) {
  await page.locator(`.badge.complaint-${name}`).first().waitFor();
  await ready(page, js);
}

for (const [index, { js, name: mode }] of modes.entries()) {
  const { household, manager: managerId } = cast[index];

  test(`a complaint about a late repair is contacted, upheld, replied to and rated (${mode})`, async () => {
    const customer = await signedIn(js, household, '/me');
    const supervisor = await signedIn(js, 'S0001', '/supervisor');
    const manager = await signedIn(js, managerId, '/manager');
    try {
      // The manager's record on the household's card, before.
      const upheld = async () => Number(await customer.textContent('.record-upheld'));
      await open(customer, js, '/me');
      const before = await upheld();
      // From the ticket: "complain about this" fills in its number.
      const ticket = await sendReport(customer, 'no_power', '整栋楼没电');
      await open(customer, js, `/tickets/${ticket}`);
      await customer.click('a.complain-link');
      await customer.waitForURL(`${BASE}/complain?about=${ticket}`);
      await ready(customer, js);
      assert.equal((await customer.inputValue('#field-concerns')).replace('-', ''), ticket);
      await assertFitsPhone(customer);
      // What happened is needed, and said next to its field.
      await customer.click('label[for=category-outage_reconnection]');
      await customer.click('form.complain button[type=submit]');
      await customer.locator('#field-what_happened-error').filter({ hasText: /\S/ }).waitFor();
      await ready(customer, js);
      await customer.click('label[for=category-outage_reconnection]');
      await customer.fill('#field-what_happened', '报修后等了五个小时抢修人员才到，期间没有任何消息。');
      await customer.click('form.complain button[type=submit]');
      await customer.waitForURL(/\/complaints\/[0-9A-Z]{8}$/);
      await stage(customer, js, 'received');
      const number = customer.url().split('/').pop();
      await customer.locator('.badge.deadline').first().waitFor();
      await assertFitsPhone(customer);
      // A photo of what happened goes with it, on the complaint's page.
      await customer.setInputFiles('#field-photos', { name: 'notice.png', mimeType: 'image/png', buffer: photo() });
      await customer.click('form.photo-upload button[type=submit]');
      await customer.waitForSelector('.photo-grid img');
      await ready(customer, js);
      const photoSrc = await customer.getAttribute('.photo-grid img', 'src');
      assert.match(photoSrc, new RegExp(`^/complaints/${number}/photos/\\d+/thumbnail$`));
      assert.equal((await customer.request.get(`${BASE}${photoSrc}`)).status(), 200);

      // The manager is told it exists, sees what happened, gives an account; no handling shown.
      await open(manager, js, '/complaints');
      await manager.click(`a[href="/complaints/${number}"]`);
      await manager.waitForURL(`${BASE}/complaints/${number}`);
      await ready(manager, js);
      assert.equal(await manager.locator('form.contact-complaint, form.reply-complaint, .timeline, .photo-grid, form.photo-upload').count(), 0);
      assert.equal((await manager.request.get(`${BASE}${photoSrc}`)).status(), 404);
      await manager.fill('form.complaint-account textarea[name=account]', '当天同时有三处故障，抢修队排到最后。');
      await manager.click('form.complaint-account button[type=submit]');
      await manager.locator('form.complaint-account').waitFor({ state: 'detached' });
      await ready(manager, js);

      // The supervisor records the contact, then the finding and the reply.
      await open(supervisor, js, '/complaints');
      await supervisor.click(`a[href="/complaints/${number}"]`);
      await supervisor.waitForURL(`${BASE}/complaints/${number}`);
      await ready(supervisor, js);
      assert.ok((await supervisor.textContent('main')).includes('抢修队排到最后'), "the handler reads the manager's account");
      await supervisor.click('label[for=method-phone]');
      await supervisor.click('form.contact-complaint button[type=submit]');
      await stage(supervisor, js, 'contacted');
      await supervisor.click('label[for=finding-upheld]');
      await supervisor.fill('form.reply-complaint textarea[name=reason]', '抢修记录显示到达超出承诺时限。');
      await supervisor.fill('form.reply-complaint textarea[name=reply]', '经核实，抢修人员到达超时属实，我们已考核相关班组，向您致歉。');
      await supervisor.click('form.reply-complaint button[type=submit]');
      await stage(supervisor, js, 'replied');
      await assertFitsPhone(supervisor);

      // The household reads the reply (live with JavaScript on) and rates the handling.
      if (!js) await open(customer, js, `/complaints/${number}`);
      await stage(customer, js, 'replied');
      await customer.locator('.reply', { hasText: '已考核相关班组' }).waitFor();
      assert.ok(!(await customer.textContent('main')).includes('抢修队排到最后'), "the manager's account is not the customer's");
      await customer.click('label[for=satisfied-yes]');
      await customer.click('form.rate-complaint button[type=submit]');
      await stage(customer, js, 'closed');
      await customer.locator('.rating', { hasText: '满意' }).waitFor();
      await assertFitsPhone(customer);
      // The card now counts the upheld complaint in the manager's record.
      await open(customer, js, '/me');
      assert.equal(await upheld(), before + 1);

      // The manager still sees none of it: no reply, no finding.
      await open(manager, js, `/complaints/${number}`);
      const seen = await manager.textContent('main');
      for (const handling of ['已考核相关班组', '属实']) assert.ok(!seen.includes(handling), `the manager sees no ${handling}`);
    } finally {
      for (const page of [customer, supervisor, manager]) await page.context().close();
    }
  });
}

for (const { js, name: mode } of modes) {
  test(`someone without an account suggests, and the answer is published for everyone (${mode})`, async () => {
    const visitor = await phone(js);
    const supervisor = await signedIn(js, 'S0001', '/supervisor');
    const topic = js ? '缴费网点' : '抄表时间';
    try {
      await open(visitor, js, '/suggest');
      await visitor.fill('#field-body', `建议增加${topic}的说明。`);
      await visitor.click('form.suggest button[type=submit]');
      // A phone to answer on is needed without an account, and said next to its field.
      await visitor.locator('#field-phone-error').filter({ hasText: /\S/ }).waitFor();
      await ready(visitor, js);
      await visitor.fill('#field-phone', '13812345678');
      await visitor.click('form.suggest button[type=submit]');
      await visitor.waitForURL(/\/suggest\?sent=[0-9A-Z]{8}$/);
      await visitor.locator('.sent[role=status]').waitFor();
      const number = visitor.url().split('=').pop();
      await assertFitsPhone(visitor);

      await open(supervisor, js, '/supervisor/suggestions');
      const card = supervisor.locator(`li.suggestion[data-number="${number}"]`);
      await card.locator('.badge.deadline').waitFor();
      const answer = supervisor.locator(`form.answer-suggestion:has(input[name=number][value="${number}"])`);
      await answer.locator('textarea[name=reply]').fill(`我们将在营业厅公示${topic}。`);
      await answer.locator('input[name=publish]').check();
      await answer.locator('textarea[name=public_title]').fill(`关于${topic}`);
      await answer.locator('button[type=submit]').click();
      await card.locator('.reply').waitFor();
      await ready(supervisor, js);
      await assertFitsPhone(supervisor);

      await open(visitor, js, '/suggestions');
      await visitor.locator('.public-answer h3', { hasText: `关于${topic}` }).waitFor();
      assert.ok(!(await visitor.textContent('main')).includes('13812345678'), 'no phone on the public page');
    } finally {
      for (const page of [visitor, supervisor]) await page.context().close();
    }
  });
}
