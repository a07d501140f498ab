// One journey per role at phone width, once with JavaScript on and once with it off:
// sign in, land on the right home page, see the page's real content, no sideways scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, phone, ready, signIn, assertFitsPhone, modes } from './helpers.mjs';

const ROLES = [
  { who: 'household customer', id: '13800000001', home: '/me', sees: '我的客户经理', also: '3100000001' },
  { who: 'household customer by account number', id: '3100000031', home: '/me', sees: '片区客户经理', also: '3100000031' },
  { who: 'large-customer contact', id: '13900000001', home: '/me', sees: '建平县人民医院', also: '开发区分院' },
  { who: 'customer manager', id: 'M1003', home: '/manager', sees: '我的客户', also: '****' },
  { who: 'department staff', id: 'D2001', home: '/department', sees: '电费核算中心', also: '本部门待办' },
  { who: 'supervisor', id: 'S0001', home: '/supervisor', sees: '客户经理', also: 'M1010' },
];

for (const { js, name: mode } of modes) {
  for (const role of ROLES) {
    test(`${role.who} signs in and lands on ${role.home} (${mode})`, async () => {
      const page = await phone(js);
      try {
        await signIn(page, js, role.id);
        await page.waitForURL(`${BASE}${role.home}`);
        await page.waitForSelector(`main :text("${role.sees}")`);
        // The heading can come before the page's data (a list loading after client-side
        // navigation): wait for the data too, then check it is there.
        await page.locator('main', { hasText: role.also }).waitFor({ timeout: 10000 }).catch(() => {});
        const text = await page.textContent('main');
        assert.ok(text.includes(role.also), `${role.home} should show ${role.also}`);
        await assertFitsPhone(page);
        // Phone numbers (the manager, 95598, the supervision line) are tap targets.
        const small = await page.$$eval('a[href^="tel:"]', (links) => links
          .map((a) => ({ text: a.textContent, height: a.getBoundingClientRect().height }))
          .filter((l) => l.height < 44));
        assert.deepEqual(small, [], 'phone links at least 44px tall');
      } finally {
        await page.context().close();
      }
    });
  }

  test(`a wrong password is explained next to the field (${mode})`, async () => {
    const page = await phone(js, 'en-US');
    try {
      await signIn(page, js, '13800000002', 'not-the-password');
      const error = page.locator('#field-password-error');
      await error.filter({ hasText: 'not right' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/signin');
      assert.equal(await page.getAttribute('#field-password', 'aria-invalid'), 'true');
      // The identifier is still there to correct; the password never comes back.
      assert.equal(await page.inputValue('#field-identifier'), '13800000002');
      if (!js) assert.equal(await page.inputValue('#field-password'), '');
    } finally {
      await page.context().close();
    }
  });

  test(`a signed-out visitor is sent to sign in, and a customer cannot open staff pages (${mode})`, async () => {
    const page = await phone(js);
    try {
      await page.goto(`${BASE}/manager`);
      await page.waitForURL(`${BASE}/signin`);
      await signIn(page, js, '13800000003');
      await page.waitForURL(`${BASE}/me`);
      const response = await page.goto(`${BASE}/supervisor`);
      assert.equal(response.status(), 404);
      await page.waitForSelector('main :text("未找到该页面或记录")');
    } finally {
      await page.context().close();
    }
  });

  test(`the language switch changes every text and is remembered (${mode})`, async () => {
    const page = await phone(js, 'zh-CN');
    try {
      await page.goto(`${BASE}/signin`);
      await ready(page, js);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      await page.click('form.lang button');
      await page.waitForSelector('main h1:text("Sign in")');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.goto(`${BASE}/signin`);
      await page.waitForSelector('main h1:text("Sign in")');
    } finally {
      await page.context().close();
    }
  });
}
