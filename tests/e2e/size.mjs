// `make size`: what a customer's first visit downloads on the five pages a household meets
// first, and Lighthouse's mobile figures for them, printed (a figure, not a test). Run by
// scripts/size.sh against the release build on a fresh demo database.
//
// Bytes: each page is opened in Debian's Chromium at 360 px with an empty cache; every resource
// it fetches until its islands have started (and the network is quiet) is fetched again with
// `Accept-Encoding: br`, as a phone over HTTPS gets it, and its body bytes counted by type.
// Lighthouse: its default mobile settings (simulated slow 4G, 4x CPU slowdown), performance
// and accessibility, the median of three runs by performance score.
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import http from 'node:http';

const BASE = process.env.PORTAL_URL ?? 'http://127.0.0.1:3100';
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const HOUSEHOLD = process.env.PORTAL_SIZE_WHO ?? '13800000021';
const RUNS = Number(process.env.PORTAL_SIZE_RUNS ?? 3);
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The body of `url` as a server answers `Accept-Encoding: br`, in bytes (never decoded). */
function brotliBytes(url, cookie) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { 'accept-encoding': 'br', cookie } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => { bytes += chunk.length; });
      response.on('end', () => resolve(bytes));
    });
    request.on('error', reject);
  });
}

function kind(url, type) {
  if (url.endsWith('.wasm')) return 'wasm';
  return { Document: 'html', Stylesheet: 'css', Script: 'js', Image: 'image' }[type] ?? 'other';
}

const browser = await chromium.launch({ executablePath: CHROME, args: FLAGS });
const signedIn = await browser.newContext();
const signin = await signedIn.newPage();
await signin.goto(`${BASE}/signin`);
await signin.fill('#field-identifier', HOUSEHOLD);
await signin.fill('#field-password', 'demo1234');
await signin.click('form.form button[type=submit]');
await signin.waitForURL((url) => url.pathname !== '/signin');
await signin.goto(`${BASE}/tickets`);
const ticket = await signin.getAttribute('a[href^="/tickets/"]', 'href');
const cookie = (await signedIn.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
await browser.close();

const PAGES = [
  { name: 'sign-in', path: '/signin', cookie: '' },
  { name: 'customer home', path: '/me', cookie },
  { name: 'fault report', path: '/report', cookie },
  { name: 'ticket', path: ticket, cookie },
  { name: 'outage look-up', path: '/outages', cookie: '' },
];

const sizes = [];
for (const page of PAGES) {
  // A browser of its own for each page: nothing cached, nothing left open by the page before.
  const browser = await chromium.launch({ executablePath: CHROME, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  if (page.cookie) await context.setExtraHTTPHeaders({ cookie: page.cookie });
  const tab = await context.newPage();
  const seen = [];
  tab.on('response', (r) => seen.push({ url: r.url(), type: r.request().resourceType() }));
  await tab.goto(`${BASE}${page.path}`, { waitUntil: 'networkidle' });
  await tab.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated')
    || !document.querySelector('leptos-island'), null, { timeout: 30000 });
  await tab.waitForLoadState('networkidle');
  const byKind = { html: 0, css: 0, js: 0, wasm: 0, image: 0, other: 0 };
  for (const { url, type } of seen) {
    // A live page's event stream never ends, and is no part of the page's download.
    if (!url.startsWith(BASE) || type === 'eventsource') continue;
    const t = kind(url, type === 'fetch' && url.endsWith('.wasm') ? 'Wasm' : type.charAt(0).toUpperCase() + type.slice(1));
    byKind[t] += await brotliBytes(url, page.cookie);
  }
  sizes.push({ ...page, byKind, total: Object.values(byKind).reduce((a, b) => a + b, 0) });
  await browser.close();
}

const chrome = await launch({ chromePath: CHROME, chromeFlags: ['--headless=new', ...FLAGS] });
const figures = [];
for (const page of PAGES) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const { lhr } = await lighthouse(`${BASE}${page.path}`, {
      port: chrome.port, logLevel: 'error', onlyCategories: ['performance', 'accessibility'],
      extraHeaders: page.cookie ? { Cookie: page.cookie } : undefined,
    });
    runs.push({
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      lcp: lhr.audits['largest-contentful-paint'].numericValue,
      tbt: lhr.audits['total-blocking-time'].numericValue,
      cls: lhr.audits['cumulative-layout-shift'].numericValue,
    });
  }
  runs.sort((a, b) => a.performance - b.performance);
  figures.push(runs[Math.floor(runs.length / 2)]);
}
await chrome.kill();

const pad = (v, n) => String(v).padStart(n);
console.log('First visit, bytes as sent with brotli (body bytes; HTTP headers not counted):');
console.log(`${'page'.padEnd(16)}${pad('html', 8)}${pad('css', 8)}${pad('js', 8)}${pad('wasm', 9)}${pad('other', 8)}${pad('total', 9)}`);
for (const s of sizes) {
  const k = s.byKind;
  console.log(`${s.name.padEnd(16)}${pad(k.html, 8)}${pad(k.css, 8)}${pad(k.js, 8)}${pad(k.wasm, 9)}${pad(k.image + k.other, 8)}${pad(s.total, 9)}`);
}
console.log(`\nLighthouse ${RUNS > 1 ? `(median of ${RUNS} runs) ` : ''}mobile: simulated slow 4G, 4x CPU slowdown:`);
console.log(`${'page'.padEnd(16)}${pad('perf', 6)}${pad('a11y', 6)}${pad('LCP ms', 8)}${pad('TBT ms', 8)}${pad('CLS', 7)}`);
PAGES.forEach((p, i) => {
  const f = figures[i];
  console.log(`${p.name.padEnd(16)}${pad(f.performance, 6)}${pad(f.accessibility, 6)}${pad(Math.round(f.lcp), 8)}${pad(Math.round(f.tbt), 8)}${pad(f.cls.toFixed(3), 7)}`);
});
