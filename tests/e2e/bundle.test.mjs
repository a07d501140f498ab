// What a household downloads: the one WASM holds the islands and nothing else of the app, and
// those islands are the household's niceties (live updates, the report form's checks and
// sending, photo previews, sharing a location). A staff page's code in the bundle, or an
// island nobody expected, fails here: staff pages are HTML from the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE } from './helpers.mjs';

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
