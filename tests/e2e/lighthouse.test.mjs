// Lighthouse's installability checks (its PWA category, as Lighthouse 11 last shipped it) on
// the release build: the manifest, its icons, the theme colour and the splash screen, judged by
// Lighthouse itself in Debian's Chromium (a normal profile: a test context's incognito one is
// never installable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import { BASE } from './helpers.mjs';

test('Lighthouse finds the portal installable', { timeout: 180000 }, async () => {
  const chrome = await launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const { lhr } = await lighthouse(`${BASE}/signin`, { port: chrome.port, onlyCategories: ['pwa'], logLevel: 'error' });
    const audits = lhr.categories.pwa.auditRefs.map((ref) => lhr.audits[ref.id]);
    const failed = audits.filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'manual')
      .map((a) => `${a.id}: ${a.title} ${JSON.stringify(a.details?.items ?? a.explanation ?? '')}`);
    assert.equal(lhr.audits['installable-manifest'].score, 1, failed.join('\n'));
    assert.deepEqual(failed, [], 'every automatic check of the PWA category passes');
  } finally {
    await chrome.kill();
  }
});
