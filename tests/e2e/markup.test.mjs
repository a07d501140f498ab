// Markup typed into the report form comes back as text, never as page content, with
// JavaScript on (pages rendered by the browser after navigation too) and off (the refused
// report's draft written back into its textarea by the server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, phone, ready, signIn, modes } from './helpers.mjs';

const MARKUP = '</textarea><script>window.__pwned=1</script><b id="pwned">x</b><img src=x onerror="window.__pwned=2">';

async function assertInert(page, where) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, `no script ran on ${where}`);
  assert.equal(await page.locator('#pwned').count(), 0, `no element was injected on ${where}`);
}

// Household 25 is nobody else's in the journeys.
for (const [index, { js, name: mode }] of modes.entries()) {
  test(`markup in a report shows as text everywhere it appears (${mode})`, async () => {
    const page = await phone(js);
    try {
      await signIn(page, js, `138000000${25 + index}`);
      await page.waitForURL(`${BASE}/me`);
      await page.goto(`${BASE}/report`);
      await ready(page, js);
      await page.click('label[for=category-no_power]');
      await page.fill('#field-description', MARKUP);
      if (!js) {
        // Refused for its phone: the server writes the description back into the form.
        await page.fill('#field-contact_phone', '12');
        await page.click('form.report button[type=submit]');
        await page.locator('#field-contact_phone-error').filter({ hasText: /.+/ }).waitFor();
        assert.equal(await page.inputValue('#field-description'), MARKUP);
        await assertInert(page, 'the refused report form');
        await page.fill('#field-contact_phone', '13800000025');
      }
      await page.click('form.report button[type=submit]');
      await page.waitForURL(/\/tickets\/[2-9A-Z]{8}$/);
      await ready(page, js);
      assert.ok((await page.textContent('main')).includes('<script>window.__pwned=1</script>'), 'shown as typed');
      await assertInert(page, 'the ticket page');
      // The list of tickets, then the ticket again by a tap (rendered in the browser with JavaScript).
      await page.goto(`${BASE}/tickets`);
      await ready(page, js);
      await page.click('main a[href^="/tickets/"]');
      await page.waitForURL(/\/tickets\/[2-9A-Z]{8}$/);
      await page.locator('main', { hasText: 'window.__pwned=1' }).waitFor();
      await assertInert(page, 'the ticket page reached by a tap');
    } finally {
      await page.context().close();
    }
  });
}
