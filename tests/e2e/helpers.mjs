// Shared by the browser journeys: Debian's Chromium, a phone-sized page, signing in.
import { before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
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
});
after(async () => { await browser?.close(); });

// Every uncaught page error and console error of the current journey: the journey fails on any.
// A dead client (a WASM that does not load, a panic while hydrating) shows up here first.
let problems = [];
afterEach(() => {
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
  return context.newPage();
}

/** With JavaScript on, waits until the WASM has hydrated the page, so the JS path is what's tested. */
export async function ready(page, js) {
  if (js) await page.waitForSelector('html[data-hydrated]', { timeout: 20000 });
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
