// Shared by the browser journeys: Debian's Chromium, a phone-sized page, signing in.
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { crc32, deflateSync } from 'node:zlib';

export const BASE = process.env.PORTAL_URL ?? 'http://127.0.0.1:3100';
export const PASSWORD = 'demo1234';

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await gateActions();
});
after(async () => { await browser?.close(); });

// Every uncaught page error and console error of the current journey: the journey fails on any.
// A dead client (a WASM that does not load, a panic while hydrating) shows up here first, and
// so does anything the page's Content-Security-Policy refuses (Chromium logs each refusal as a
// console error: checked in session 21 with a page refusing an inline script).
let problems = [];
afterEach(async () => {
  // The page each phone shows last is checked too (a journey that closed its phone had it
  // checked then).
  await Promise.all([...openPages].map(checkNow));
  const seen = problems;
  problems = [];
  assert.deepEqual(seen, [], 'the pages of this journey logged errors');
});

// The one expected console error: Chromium logs every response that is not 2xx, and the
// journeys deliberately provoke the portal's designed refusals (422 for a field message, 401
// for a wrong password, 404 for another party's page, 409 for a step not allowed now, 429 for
// throttling). Only those statuses, and only from the portal itself, are let through; a 5xx,
// a failed script or any other message still fails the journey.
const REFUSAL = /^Failed to load resource: the server responded with a status of (401|404|409|422|429) /;
function expected(message) {
  return message.type() === 'error' && REFUSAL.test(message.text()) && message.location().url.startsWith(BASE);
}

/** Collects a page's errors into the current journey's problems. */
function watch(page) {
  page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected(message)) {
      problems.push(`console error on ${page.url()}: ${message.text()}`);
    }
  });
}

/** A fresh 360 px wide touch phone with its own cookies (and any extra context options). */
export async function phone(js, locale = 'zh-CN', extra = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: js, locale, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, ...extra,
  });
  context.on('page', watch);
  context.on('page', (page) => inspect(page, js));
  return context.newPage();
}

// Every page a journey visits is checked once it is there, by axe-core with JavaScript on (any
// violation of its default rules, WCAG A/AA and best practices) and for sideways scrolling at
// 360 px in both modes, whatever led to it: `goto`, a link, a form, a redirect, a client-side
// route. A page counts as visited when its main frame navigates (in-document routing included); it is checked just
// before the journey next acts on that phone (an action, a navigation, closing it) or at the
// end of the journey, so the check sees the page the journey saw, settled, and never races a
// navigation. Problems are added to the journey's: it fails, naming the page and the rule.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const openPages = new Set();
const state = new WeakMap();

function inspect(page, js) {
  const s = { js, dirty: false, running: Promise.resolve() };
  state.set(page, s);
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith(BASE)) s.dirty = true;
  });
}

/** Checks the page now if it shows something not yet checked; waits for a check under way. */
function checkNow(page) {
  const s = state.get(page);
  if (!s) return Promise.resolve();
  if (s.dirty && !page.isClosed()) {
    s.dirty = false;
    s.running = s.running.then(() => check(page, s.js));
  }
  return s.running;
}

async function check(page, js) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.waitForLoadState('load');
      if (js) {
        // The page as its islands leave it once started (a page without islands loads no WASM).
        await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated')
          || !document.querySelector('leptos-island'), null, { timeout: 20000 });
      }
      const url = page.url();
      // axe needs the page's scripting (its timers), which a phone with JavaScript off never
      // runs: there the page is checked for sideways scrolling only; every page is also
      // visited with JavaScript on by the journeys' other mode.
      const found = await within(30000, page.evaluate(js ? `(async () => {
        if (!window.axe) { ${AXE} }
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return {
          violations: result.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at '
            + v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        };
      })()` : `({ violations: [], overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth })`));
      const where = `${url.slice(BASE.length) || '/'} (JavaScript ${js ? 'on' : 'off'})`;
      for (const v of found.violations) problems.push(`axe on ${where}: ${v}`);
      if (found.overflow > 0) problems.push(`${where} scrolls sideways by ${found.overflow}px at 360px`);
      return;
    } catch (error) {
      // The page went on (a redirect, a form the page sent itself) while it was checked: check
      // where it arrived instead. A closed page has nothing left to check.
      if (page.isClosed()) return;
      if (!/context was destroyed|navigat/i.test(error.message) || attempt === 2) {
        problems.push(`checking ${page.url()} failed: ${error.message}`);
        return;
      }
    }
  }
}

function within(ms, promise) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// The journey's next step on a phone first checks the page it is on.
function gate(proto, names, pageOf) {
  for (const name of names) {
    const original = proto[name];
    if (typeof original !== 'function' || original.gated) continue;
    const gated = async function (...args) {
      const page = pageOf(this);
      if (page) await checkNow(page);
      return original.apply(this, args);
    };
    gated.gated = true;
    proto[name] = gated;
  }
}
const ACTIONS = ['click', 'dblclick', 'tap', 'fill', 'type', 'press', 'pressSequentially', 'check', 'uncheck',
  'setChecked', 'selectOption', 'setInputFiles', 'hover', 'dragTo', 'clear', 'selectText', 'focus'];
async function gateActions() {
  const context = await browser.newContext();
  const page = await context.newPage();
  gate(Object.getPrototypeOf(page), [...ACTIONS, 'goto', 'reload', 'goBack', 'goForward', 'close'], (p) => p);
  gate(Object.getPrototypeOf(page.mainFrame()), [...ACTIONS, 'goto'], (f) => f.page());
  gate(Object.getPrototypeOf(page.locator('body')), ACTIONS, (l) => l.page());
  const contextProto = Object.getPrototypeOf(context);
  const close = contextProto.close;
  contextProto.close = async function (...args) {
    await Promise.all(this.pages().map(checkNow));
    return close.apply(this, args);
  };
  await context.close();
}

/** With JavaScript on, waits until the page's islands have started, so the JS path is what's
 * tested; a page without islands (it loads no WASM) is ready at once. */
export async function ready(page, js) {
  if (js) {
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated')
      || !document.querySelector('leptos-island'), null, { timeout: 20000 });
  }
}

export async function signIn(page, js, identifier, password = PASSWORD) {
  await page.goto(`${BASE}/signin`);
  await ready(page, js);
  await page.fill('#field-identifier', identifier);
  await page.fill('#field-password', password);
  await page.click('form.form button[type=submit]');
}

export async function assertFitsPhone(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 360px`);
}

export const modes = [true, false].map((js) => ({ js, name: js ? 'JavaScript on' : 'JavaScript off' }));

/** "YYYY-MM-DDTHH:MM" in the utility's time (UTC+8), as a datetime-local input takes it. */
export function localInput(hoursFromNow) {
  const at = new Date(Date.now() + hoursFromNow * 3600 * 1000 + 8 * 3600 * 1000);
  return at.toISOString().slice(0, 16);
}

/** A real photo as a phone's camera would send one: a small PNG that decodes (the server
 * decodes every upload, so bytes that only start like a photo are refused). */
export function photo(width = 48, height = 32) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // no filter
    for (let x = 0; x < width; x++) rows.push((x * 5) & 255, (y * 7) & 255, 120);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Sends a fault report from a signed-in customer's page as the report form sends it (without
 * going through the form); returns the new ticket's number. */
export async function sendReport(page, category, description = '') {
  const form = await (await page.request.post(`${BASE}/api/report_form`)).json();
  const sent = await page.request.post(`${BASE}/api/report_fault`, {
    maxRedirects: 0,
    headers: { accept: 'text/html' },
    multipart: {
      account_no: form.accounts[0].account_no,
      category,
      description,
      address: form.accounts[0].address,
      contact_phone: form.phone,
      submission_key: form.submission_key,
    },
  });
  assert.equal(sent.status(), 302);
  return sent.headers().location.split('/').pop();
}

/** A phone-sized page signed in as `who`, once it has landed on their home. */
export async function signedIn(js, who, home) {
  const page = await phone(js);
  await signIn(page, js, who);
  await page.waitForURL(`${BASE}${home}`);
  return page;
}

export async function open(page, js, path) {
  await page.goto(`${BASE}${path}`);
  await ready(page, js);
}

/** Takes one step on a work order's page (`form.step-…`) and waits for the state it leads to. */
export async function takeStep(page, js, action, fields, state) {
  for (const [name, value] of Object.entries(fields)) {
    await page.fill(`form.step-${action} textarea[name=${name}]`, value);
  }
  await page.click(`form.step-${action} button[type=submit]`);
  await page.locator('.badge', { hasText: state }).first().waitFor();
  await ready(page, js);
}
