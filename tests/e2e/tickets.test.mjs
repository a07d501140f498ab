// A customer reports a fault on a phone; their manager sees it arrive in the queue, replies,
// dispatches a crew and restores power; the customer follows each step and rates the repair.
// With JavaScript on, the queue and the ticket page update by themselves (server-sent events);
// with it off, every load is up to date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, phone, ready, signIn, assertFitsPhone, modes, photo } from './helpers.mjs';

// Households 13 and 17 are both served by community manager M1003 in the demo county, and no
// other journey touches them.
const HOUSEHOLDS = ['13800000013', '13800000017'];

async function click(page, js, selector) {
  await ready(page, js);
  await page.click(selector);
}

for (const [index, { js, name: mode }] of modes.entries()) {
  test(`a customer reports a fault, the manager works it, the customer rates it (${mode})`, async () => {
    // Somewhere in Jianping county, shared if the customer taps the button.
    const customer = await phone(js, 'zh-CN', { geolocation: { latitude: 41.40321, longitude: 119.64233 }, permissions: ['geolocation'] });
    const manager = await phone(js);
    try {
      // The manager has the queue open before the report arrives.
      await signIn(manager, js, 'M1003');
      await manager.waitForURL(`${BASE}/manager`);
      await manager.goto(`${BASE}/queue`);
      await ready(manager, js);
      // The status filter shows its longest choice whole.
      const room = await manager.$eval('select[name=status]', (select) => {
        const style = getComputedStyle(select);
        const context = document.createElement('canvas').getContext('2d');
        context.font = style.font;
        const widest = Math.max(...[...select.options].map((o) => context.measureText(o.text).width));
        return select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - widest;
      });
      assert.ok(room >= 0, `the status filter clips its text by ${-room}px`);

      await signIn(customer, js, HOUSEHOLDS[index]);
      await customer.waitForURL(`${BASE}/me`);
      await customer.goto(`${BASE}/report`);
      await ready(customer, js);
      await assertFitsPhone(customer);

      // Sending without a category is explained next to the choices: with JavaScript before
      // anything is sent, without it by the server, on the form it sent the customer back to,
      // which still holds what was typed.
      await ready(customer, js);
      await customer.fill('#field-description', '楼道和家里都没电');
      await click(customer, js, 'form.report button[type=submit]');
      await customer.locator('#field-category-error').filter({ hasText: '请选择' }).waitFor();
      if (js) assert.equal(customer.url(), `${BASE}/report`, 'checked in the browser, nothing sent');
      assert.equal(await customer.inputValue('#field-description'), '楼道和家里都没电');
      await ready(customer, js);
      await customer.click('label[for=category-hazard]');
      assert.ok(await customer.isVisible('.safety'), 'safety advice shows at once for a hazard');
      await customer.click('label[for=category-no_power]');
      if (js) {
        // The message goes as soon as the fault is chosen.
        await customer.locator('#field-category-error').filter({ hasText: '请选择' }).waitFor({ state: 'detached' });
      }

      // A photo from the phone's camera goes with the report; with JavaScript it shows as a
      // thumbnail, and a file that is no photo is named before sending.
      if (js) {
        await customer.setInputFiles('#field-photos', { name: 'bill.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7') });
        await customer.locator('#field-photos-error').filter({ hasText: 'JPEG' }).waitFor();
      }
      await customer.setInputFiles('#field-photos', { name: 'pole.png', mimeType: 'image/png', buffer: photo() });
      if (js) {
        await customer.waitForSelector('.previews img');
        assert.equal(await customer.textContent('#field-photos-error'), '');
        await customer.click('button:has-text("发送我的位置")');
        await customer.waitForSelector('button:has-text("已发送位置")');
        assert.equal(await customer.inputValue('input[name=location]'), '41.40321,119.64233');
      } else {
        assert.equal(await customer.locator('button:has-text("发送我的位置")').count(), 0, 'no button that cannot work');
      }
      await customer.click('form.report button[type=submit]');
      await customer.waitForURL(/\/tickets\/[2-9A-Z]{8}$/);
      const number = customer.url().split('/').pop();
      await customer.waitForSelector('.badge.status-submitted');
      assert.match(await customer.textContent('.promise'), /前到达/);
      await customer.waitForSelector('.photo-grid img');

      // More photos later; a file that only claims to be a photo is refused by its content.
      await ready(customer, js);
      await customer.setInputFiles('#field-photos', { name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo') });
      await customer.click('form.photo-upload button[type=submit]');
      await customer.locator('#field-photos-error').filter({ hasText: 'JPEG' }).waitFor();
      assert.equal(await customer.locator('.photo-grid img').count(), 1);

      // With JavaScript the new report appears in the open queue by itself; without, on reload.
      if (!js) await manager.reload();
      await manager.click(`a[href="/tickets/${number}"]`, { timeout: 10000 });
      await manager.waitForURL(`${BASE}/tickets/${number}`);
      // The number given with the report is masked; the archive's card shows it, for a reason
      // it records (archive.test.mjs), with this ticket named.
      const given = HOUSEHOLDS[index];
      await ready(manager, js);
      assert.equal((await manager.textContent('dd.contact-phone .masked')).trim(), `${given.slice(0, 3)}****${given.slice(-4)}`);
      assert.equal(await manager.getAttribute('dd.contact-phone a.show-personal', 'href'), `/archive/31000${given.slice(-5)}?case=${number}`);
      assert.ok(!(await manager.content()).includes(given), 'the ticket page carries the number masked only');
      await click(manager, js, 'button.action-accept');
      await manager.waitForSelector('.badge.status-accepted');
      await ready(manager, js);
      await manager.fill('#field-body', '收到，马上安排抢修');
      await manager.click('form.message button[type=submit]');
      await manager.locator('.message-body').filter({ hasText: '马上安排抢修' }).waitFor();
      await ready(manager, js);
      // A crew phone that is no phone is refused next to it and the crew's name stays typed.
      await manager.fill('#field-crew_name', '抢修一班 王师傅');
      await manager.fill('#field-crew_phone', '12');
      await manager.click('form.dispatch button[type=submit]');
      await manager.locator('#field-crew_phone-error').filter({ hasText: /\S/ }).waitFor();
      assert.equal(await manager.inputValue('#field-crew_name'), '抢修一班 王师傅');
      await ready(manager, js);
      await manager.fill('#field-crew_phone', '13911112222');
      await manager.click('form.dispatch button[type=submit]');
      await manager.waitForSelector('.badge.status-dispatched');
      // The step that went through says so.
      await manager.locator('.actions .form-done').filter({ hasText: '已完成' }).waitFor();
      await click(manager, js, 'button.action-arrive');
      await manager.waitForSelector('.badge.status-on_site');
      await click(manager, js, 'button.action-restore');
      await manager.waitForSelector('.badge.status-restored');
      await assertFitsPhone(manager);

      // With JavaScript every step has appeared on the customer's open page by itself.
      if (!js) await customer.reload();
      await customer.waitForSelector('.badge.status-restored', { timeout: 10000 });
      const timeline = await customer.textContent('.timeline');
      for (const step of ['收到报修', '已接单', '抢修人员在途', '抢修人员已到达', '已恢复供电', '马上安排抢修']) {
        assert.ok(timeline.includes(step), `timeline shows ${step}`);
      }
      await ready(customer, js);
      for (const aspect of ['overall', 'speed', 'attitude', 'professionalism']) {
        // Each dimension's five choices are one row of large targets.
        const boxes = await Promise.all([1, 2, 3, 4, 5].map((n) => customer.locator(`label[for=${aspect}-${n}]`).boundingBox()));
        assert.ok(boxes.every((b) => Math.abs(b.y - boxes[0].y) < 1), `${aspect}: one row, got ${boxes.map((b) => b.y)}`);
        assert.ok(boxes.every((b) => b.height >= 44 && b.width >= 44), `${aspect}: targets of 44px`);
        await customer.click(`label[for=${aspect}-4]`);
      }
      await customer.click('form.rating button[type=submit]');
      await customer.waitForSelector('text=您的评价');
      assert.equal(await customer.locator('form.rating').count(), 0, 'rated once');
      await assertFitsPhone(customer);

      // Notifications say what happened, each a row tall enough to tap.
      await customer.goto(`${BASE}/notifications`);
      await ready(customer, js);
      const notices = await customer.locator('.notice > a').allTextContents();
      assert.ok(notices.some((n) => /^已派抢修人员：抢修一班 王师傅，预计 \d\d:\d\d 前到达$/.test(n.trim())), notices.join(' | '));
      assert.ok(notices.some((n) => n.includes('已恢复供电')), notices.join(' | '));
      const heights = await customer.locator('.notice > a').evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height));
      assert.ok(heights.every((h) => h >= 44), `notification rows ${heights}`);
      assert.ok((await customer.textContent('.notice .muted')).includes(number.slice(0, 4) + '-'), 'the number as on the ticket');
    } finally {
      await customer.context().close();
      await manager.context().close();
    }
  });
}

for (const { js, name: mode } of modes) {
  test(`a manager reports for a customer who phoned, in words about the customer (${mode})`, async () => {
    const manager = await phone(js);
    try {
      await signIn(manager, js, 'M1003');
      await manager.waitForURL(`${BASE}/manager`);
      // A number that is none of the manager's customers says so, not "10 digits".
      await manager.goto(`${BASE}/report?account=3999999999`);
      await ready(manager, js);
      await manager.locator('main').filter({ hasText: '没有这个号码' }).waitFor();
      await manager.goto(`${BASE}/report?account=3100000013`);
      await ready(manager, js);
      assert.equal((await manager.textContent('fieldset.categories legend')).trim(), '客户反映的情况');
      assert.equal((await manager.textContent('label[for=field-description]')).trim(), '客户描述（选填）');
      assert.equal((await manager.textContent('label[for=field-contact_phone]')).trim(), '客户联系电话');
      assert.equal(await manager.locator('button:has-text("发送我的位置")').count(), 0, 'the manager is not at the fault');
      await assertFitsPhone(manager);
    } finally {
      await manager.context().close();
    }
  });
}
