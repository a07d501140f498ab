// Scorecards at phone width, with JavaScript on and off: a supervisor compares the community
// managers for the quarter, sorts by a column, reads the ratings and complaint charts, opens
// the cases behind a figure, downloads the table as CSV and records an evaluation; the manager
// reads it on their own record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ready, assertFitsPhone, modes, signedIn, open } from './helpers.mjs';

const cast = [
  { manager: 'M1005', outcome: 'commend' },
  { manager: 'M1006', outcome: 'keep' },
];

for (const [index, { js, name: mode }] of modes.entries()) {
  const { manager: managerId, outcome } = cast[index];

  test(`a supervisor reads the scorecards and evaluates a manager, who sees it (${mode})`, async () => {
    const supervisor = await signedIn(js, 'S0001', '/supervisor');
    const manager = await signedIn(js, managerId, '/manager');
    try {
      await open(supervisor, js, '/supervisor/scorecards');
      const rows = supervisor.locator('table.scorecard tbody tr');
      // Four in the households' round robin, two who joined for the development zone's grid.
      assert.equal(await rows.count(), 6, 'the six community managers');
      // Sorting by the number of ratings, fewest first, is a plain link.
      await supervisor.click('table.scorecard th a:has-text("评价数")');
      await supervisor.waitForURL(/sort=ratings/);
      await ready(supervisor, js);
      await supervisor.locator('table.scorecard th[aria-sort] a', { hasText: '评价数' }).waitFor();
      // The chart is drawn on the server, with its figures in a table too.
      assert.ok(await supervisor.locator('svg.line-chart polyline').count() > 0, 'the chart has lines');
      assert.ok((await supervisor.textContent('table.chart-data')).includes('平均评分'));
      await assertFitsPhone(supervisor);
      // The CSV is the same table, for Excel.
      const href = await supervisor.getAttribute('a.csv', 'href');
      const csv = await supervisor.request.get(`${BASE}${href}`);
      assert.equal(csv.status(), 200);
      const text = await csv.text();
      assert.ok(text.charCodeAt(0) === 0xfeff && text.includes('客户经理'), 'UTF-8 with a byte-order mark');

      // Complaints by category, and the cases behind a figure, each linking to its page.
      assert.ok((await supervisor.textContent('svg.bar-chart')).includes('服务态度'), 'the categories are named');
      await supervisor.locator('table.scorecard td a[href*="figure=ratings"]').first().click();
      await supervisor.waitForURL(/\/supervisor\/scorecards\/cases/);
      await ready(supervisor, js);
      const ticket = supervisor.locator('.figure-cases li a[href^="/tickets/"]').first();
      await ticket.waitFor();
      await assertFitsPhone(supervisor);
      await ticket.click();
      await supervisor.waitForURL(/\/tickets\//);
      await ready(supervisor, js);
      await open(supervisor, js, '/supervisor/scorecards');

      // An evaluation for the quarter.
      await supervisor.selectOption('#field-employee_no', managerId);
      await supervisor.click(`label[for=outcome-${outcome}]`);
      await supervisor.fill('form.evaluate textarea[name=note]', '本季度抢修到达及时，客户评价稳定。');
      await supervisor.click('form.evaluate button[type=submit]');
      await supervisor.locator(`table.scorecard tr[data-manager=${managerId}] td.evaluation`).filter({ hasText: /\S/ }).waitFor();
      await ready(supervisor, js);

      // The manager reads their own record and the evaluation; there is no way to another's.
      await open(manager, js, '/my-record');
      await manager.locator('.evaluations li', { hasText: '客户评价稳定' }).waitFor();
      await manager.locator('.own-record dl').waitFor();
      await assertFitsPhone(manager);
      await open(manager, js, '/supervisor/scorecards');
      assert.equal(await manager.locator('table.scorecard').count(), 0, 'no other managers’ scorecards');
    } finally {
      for (const page of [supervisor, manager]) await page.context().close();
    }
  });
}
