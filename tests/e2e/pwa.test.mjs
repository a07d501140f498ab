// Installable, and usable offline for what matters: the manifest in both languages with icons
// that load, Chromium's own installability check (the one Lighthouse's installable-manifest
// audit reads), the service worker on the release build, and with the network cut the offline
// page with 95598 and the manager seen on the last visit, forgotten when anyone signs in or
// out; a personal page never comes from a cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, phone, ready, signIn } from './helpers.mjs';

/** A translation file as the app's build reads it (`key = text`). */
function texts(file) {
  const lines = readFileSync(new URL(`../../app/locales/${file}`, import.meta.url), 'utf8').split('\n');
  return Object.fromEntries(lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]));
}
const ZH = texts('zh-CN.txt');
const EN = texts('en.txt');

/** Width and height from a PNG's header. */
function pngSize(bytes) {
  assert.equal(bytes.subarray(1, 4).toString('ascii'), 'PNG', 'a PNG file');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

for (const [locale, t] of [['zh-CN', ZH], ['en-US', EN]]) {
  test(`the manifest is linked, valid and in the page's language (${locale}); Chromium can install the portal`, async () => {
    const page = await phone(true, locale);
    try {
      await page.goto(`${BASE}/signin`);
      await ready(page, true);
      const href = await page.getAttribute('link[rel=manifest]', 'href');
      const response = await page.request.get(new URL(href, BASE).href);
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'], /^application\/manifest\+json/);
      const manifest = await response.json();
      assert.equal(manifest.name, t.app_name);
      assert.equal(manifest.short_name, t.app_short_name);
      assert.equal(manifest.lang, locale === 'en-US' ? 'en' : 'zh-CN');
      assert.equal(manifest.start_url, '/');
      assert.equal(manifest.display, 'standalone');
      assert.equal(manifest.theme_color, await page.getAttribute('meta[name=theme-color]', 'content'));
      for (const icon of manifest.icons) {
        const got = await page.request.get(new URL(icon.src, BASE).href);
        assert.equal(got.status(), 200, `${icon.src} loads`);
        assert.equal(got.headers()['content-type'], icon.type, `${icon.src} is ${icon.type}`);
        if (icon.type === 'image/png') assert.equal(pngSize(await got.body()), icon.sizes, icon.src);
      }
      assert.ok(manifest.icons.some((i) => i.sizes === '192x192') && manifest.icons.some((i) => i.sizes === '512x512'));
      // The start URL sends each user to their own home; a visitor to sign-in.
      await page.goto(new URL(manifest.start_url, BASE).href);
      assert.equal(new URL(page.url()).pathname, '/signin');

      const cdp = await page.context().newCDPSession(page);
      const parsed = await cdp.send('Page.getAppManifest');
      assert.deepEqual(parsed.errors, [], 'Chromium parses the manifest without a complaint');
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // A test context is an incognito profile, where Chromium never offers to install: that one
      // reason is the context's, every other is the portal's.
      assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
    } finally {
      await page.context().close();
    }
  });
}

/** Waits until this page's service worker controls it (it claims pages when it activates). */
async function controlled(page) {
  const script = await page.evaluate(async () => (await navigator.serviceWorker.ready).active.scriptURL);
  assert.equal(script, `${BASE}/sw.js`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Opens `path` with the network cut and expects the offline page, in Chinese. */
async function offlineAt(page, path) {
  await page.context().setOffline(true);
  try {
    await page.goto(`${BASE}${path}`);
    assert.equal(await page.textContent('h1'), ZH.offline_title, `${path} offline shows the offline page`);
    assert.ok(await page.isVisible('main a[href="tel:95598"]'), 'with the repair line');
    // Its script reads what the last visit left; give it the moment it needs.
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    return await page.content();
  } finally {
    await page.context().setOffline(false);
  }
}

/** Waits until the page has left this manager's phone for the offline page. */
async function stored(page, phone) {
  for (let i = 0; i < 50; i++) {
    const kept = await page.evaluate(async () => {
      const r = await (await caches.open('portal-offline-data')).match('/offline/managers');
      return r ? r.text() : '';
    });
    if (kept.includes(phone)) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`the manager ${phone} was not kept for the offline page`);
}

/** Everything in the origin's caches, as `cache path?query`. */
async function cached(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) {
        const url = new URL(request.url);
        out.push(`${name} ${url.pathname}${url.search}`);
      }
    }
    return out;
  });
}

test('offline, pages show 95598 and the manager of the last visit, never a personal page; signing in or out forgets the manager', async () => {
  const page = await phone(true);
  const context = page.context();
  try {
    await signIn(page, true, '13800000001');
    await page.waitForURL(`${BASE}/me`);
    await ready(page, true);
    await controlled(page);
    const manager = await page.getAttribute('[data-offline-phone]', 'data-offline-phone');
    const account = await page.textContent('.site dd.mono');
    assert.match(manager, /^1\d{10}$/);
    // The page leaves the manager for the offline page, also after the client-side route that
    // follows signing in.
    await stored(page, manager);

    let offline = await offlineAt(page, '/tickets');
    assert.ok(await page.isVisible(`.offline-manager a[href="tel:${manager}"]`), 'the manager of the last visit');
    // A personal page is never kept: offline, /me is the offline page too, without the account.
    offline = await offlineAt(page, '/me');
    assert.ok(!offline.includes(account), 'no account number offline');
    assert.ok(await page.isVisible(`.offline-manager a[href="tel:${manager}"]`));
    const kept = await cached(page);
    const version = (kept.find((k) => k.startsWith('portal-static-')) ?? '').split(' ')[0];
    assert.match(version, /^portal-static-[0-9a-f]{12}$/, `a versioned cache: ${kept}`);
    assert.deepEqual(kept.sort(), [
      'portal-offline-data /offline/lang',
      'portal-offline-data /offline/managers',
      `${version} /favicon.svg`,
      `${version} /offline?lang=en`,
      `${version} /offline?lang=zh-CN`,
      `${version} /pkg/portal.css`,
    ].sort());

    // Signing out forgets the manager: offline, the repair line only.
    await page.goto(`${BASE}/me`);
    await ready(page, true);
    await page.click('form.signout button');
    await page.waitForURL(`${BASE}/signin`);
    offline = await offlineAt(page, '/');
    assert.ok(!offline.includes(manager), 'the manager is gone after signing out');
    assert.ok(!(await page.isVisible('.offline-manager')));

    // Another household on this phone gets their own manager, never the first one's.
    await signIn(page, true, '13800000031');
    await page.waitForURL(`${BASE}/me`);
    await ready(page, true);
    const theirs = await page.getAttribute('[data-offline-phone]', 'data-offline-phone');
    assert.notEqual(theirs, manager, 'the demo gives these two households different managers');
    await stored(page, theirs);
    offline = await offlineAt(page, '/report');
    assert.ok(await page.isVisible(`.offline-manager a[href="tel:${theirs}"]`));
    assert.ok(!offline.includes(manager));

    // A session that ended without signing out, and a member of staff signs in on this phone:
    // the household's manager is forgotten too.
    await context.clearCookies();
    await signIn(page, true, 'M1003');
    await page.waitForURL(`${BASE}/manager`);
    await ready(page, true);
    offline = await offlineAt(page, '/queue');
    assert.ok(!offline.includes(theirs), 'the manager is gone after someone else signs in');
  } finally {
    await context.close();
  }
});

test('with JavaScript off, no service worker is registered and pages work as before', async () => {
  const page = await phone(false);
  try {
    await page.goto(`${BASE}/signin`);
    await page.waitForTimeout(300);
    assert.deepEqual(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
    await signIn(page, false, '13800000001');
    await page.waitForURL(`${BASE}/me`);
    assert.ok(await page.isVisible('[data-offline-phone]'));
  } finally {
    await page.context().close();
  }
});
