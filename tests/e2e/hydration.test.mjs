// Every route of the app, opened by a visitor and by each role with JavaScript on: a page with
// islands loads the WASM and starts them (html[data-hydrated]) without an error logged; a page
// without islands fetches no WASM and no script of the app at all. The public outage look-up
// and sign-in are such pages for everyone. The routes are read from the app's own route
// table, so a new page is covered without editing this file. Pages a role may not open still
// have to answer without an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, phone, signIn } from './helpers.mjs';

const routes = [...readFileSync(new URL('../../app/src/lib.rs', import.meta.url), 'utf8')
  .matchAll(/path!\("([^"]+)"\)/g)].map((m) => m[1]);

/** Pages that must come without any WASM: the public outage look-up and sign-in. */
const PLAIN = ['/signin', '/outages'];

const VISITORS = [
  { who: 'a signed-out visitor' },
  { who: 'a household customer', id: '13800000021' },
  { who: 'a large-customer contact', id: '13900000003' },
  { who: 'a customer manager', id: 'M1007' },
  { who: 'department staff', id: 'D2001' },
  { who: 'a supervisor', id: 'S0001' },
];

test('the route table was read', () => {
  assert.ok(routes.length >= 15, `found routes: ${routes.join(' ')}`);
  assert.ok(routes.includes('/tickets/:number') && routes.includes('/outages/:id'));
});

/** A real outage for `/outages/:id` (the demo's planned one in Shuanghe, found on the public look-up). */
async function anOutageId(page) {
  await page.goto(`${BASE}/outages?area=SH`);
  const href = await page.getAttribute('a.outage-title', 'href');
  return href.split('/').pop();
}

for (const visitor of VISITORS) {
  test(`every route answers and starts its islands without an error for ${visitor.who}`, async () => {
    const page = await phone(true);
    try {
      if (visitor.id) {
        await signIn(page, true, visitor.id);
        await page.waitForURL((url) => url.pathname !== '/signin');
      }
      const outage = await anOutageId(page);
      for (const route of routes) {
        // A ticket number nobody has: the not-found answer must hydrate too (real tickets
        // hydrate in the ticket journeys).
        const path = route.replace(':number', 'ZZZZ2222').replace(':id', outage);
        const response = await page.goto(`${BASE}${path}`);
        assert.ok(response.status() < 500, `${path} answered ${response.status()}`);
        const islands = await page.locator('leptos-island').count();
        if (PLAIN.includes(path)) assert.equal(islands, 0, `${path} has no islands`);
        if (islands === 0) {
          // Complete as HTML: the page carries no loader of the app (the one way its WASM and
          // script are fetched), and none was fetched by the time the page had loaded.
          const loaders = await page.locator('script').evaluateAll((scripts) =>
            scripts.filter((s) => /\/pkg\//.test(s.src || s.textContent)).length);
          assert.equal(loaders, 0, `${path} carries a loader of the app`);
          const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
          assert.deepEqual(fetched.filter((name) => /\/pkg\/.*\.(wasm|js)$/.test(name)), [], `${path} fetched the app`);
          continue;
        }
        await page.waitForSelector('html[data-hydrated]', { timeout: 20000 })
          .catch(() => assert.fail(`${path} did not start its islands for ${visitor.who}`));
      }
    } finally {
      await page.context().close();
    }
  });
}
