// What a household downloads: the one WASM holds the islands and nothing else of the app, and
// those islands are the household's niceties (live updates, the report form's checks and
// sending, photo previews, sharing a location). A staff page's code in the bundle, or an
// island nobody expected, fails here: staff pages are HTML from the server. And what it
// downloaded once, it keeps: the files are named by their content's version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, open, phone, signIn } from './helpers.mjs';

const HOUSEHOLD_ISLANDS = ['Live', 'Locate', 'Picker', 'ReportChecks'];

test('the WASM a household downloads starts only the household islands', async () => {
  const glue = await (await fetch(`${BASE}/pkg/portal.js`)).text();
  const exported = [...glue.matchAll(/export function ([A-Za-z]+)_\d+\(/g)].map((m) => m[1]).sort();
  assert.deepEqual(exported, HOUSEHOLD_ISLANDS);
  const wasm = await (await fetch(`${BASE}/pkg/portal.wasm`)).arrayBuffer();
  const text = Buffer.from(wasm).toString('utf8');
  // No page's texts travel in it (islands get theirs from the page), and no staff page: the
  // app's source files it names (in its panic locations) are the islands' own.
  for (const word of ['Power Service Portal', '供电服务平台', '/supervisor', 'hand-off']) {
    assert.ok(!text.includes(word), `the WASM holds "${word}"`);
  }
  const sources = [...new Set([...text.matchAll(/app\/src\/([a-z_/]+)\.rs/g)].map((m) => m[1]))].sort();
  const household = ['case/picker', 'tickets/api', 'tickets/pages', 'ui/live', 'ui/location'];
  assert.deepEqual(sources.filter((s) => !household.includes(s)), [], 'only the islands\' sources');
});

test('a returning phone fetches none of the site\'s own files again until a build changes them', async () => {
  // The service worker is kept out: this is the browser's own cache, which every phone has.
  const page = await phone(true, 'zh-CN', { serviceWorkers: 'block' });
  try {
    const answered = new Map();
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/pkg/')) answered.set(response.url(), response.headers()['cache-control']);
    });
    await signIn(page, true, '13800000021');
    await page.waitForURL((url) => url.pathname !== '/signin');
    await open(page, true, '/report');
    const fetched = [...answered.keys()].map((url) => new URL(url));
    for (const name of ['/pkg/portal.css', '/pkg/portal.js', '/pkg/portal.wasm']) {
      const file = fetched.find((url) => url.pathname === name);
      assert.ok(file, `${name} was fetched: ${[...answered.keys()].join(' ')}`);
      assert.match(file.search, /^\?v=[0-9a-f]{12}$/, `${name} is named by its content's version`);
      assert.equal(answered.get(file.href), 'public, max-age=31536000, immutable', `${name} is kept`);
    }
    // The next visit: the three come from the phone's cache, with no request sent for them.
    await open(page, true, '/report');
    const sent = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((entry) => new URL(entry.name).pathname.startsWith('/pkg/'))
      .map((entry) => [new URL(entry.name).pathname, entry.transferSize]));
    assert.equal(sent.length, 3, JSON.stringify(sent));
    assert.deepEqual(sent.filter(([, bytes]) => bytes > 0), [], 'fetched again');
  } finally {
    await page.context().close();
  }
});
