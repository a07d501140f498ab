// The portal as a cluster, driven through nginx only: two server processes behind it, started
// by scripts/cluster-test.sh with scripts/cluster.sh (which this test also uses to stop and start
// a process). Every request goes to PORTAL_URL (nginx); the `x-portal-instance` header says
// which process answered. DATABASE_URL is the cluster's own fresh database, read to check what
// was stored; PORTAL_CLUSTER_DIR holds the processes' delivery logs and nginx's access log.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const BASE = process.env.PORTAL_URL;
const DIR = process.env.PORTAL_CLUSTER_DIR;
const DB = process.env.DATABASE_URL;
assert.ok(BASE && DIR && DB, 'PORTAL_URL, PORTAL_CLUSTER_DIR and DATABASE_URL are set (scripts/cluster-test.sh sets them)');
const CLUSTER = new URL('../../scripts/cluster.sh', import.meta.url).pathname;
const PASSWORD = 'demo1234';
const HOUSEHOLD = '13800000001';
const SUPERVISOR = 'S0001';

/** One answer of the portal through nginx: status, which process, headers, body. */
async function call(path, { cookie, form, body, headers = {}, method } = {}) {
  const h = { ...headers };
  if (cookie) h.cookie = cookie;
  if (form) {
    body = new URLSearchParams(form).toString();
    h['content-type'] = 'application/x-www-form-urlencoded';
  }
  method ??= body === undefined ? 'GET' : 'POST';
  // The portal refuses a write whose Origin is not its own address.
  if (method !== 'GET') h.origin = BASE;
  const response = await fetch(BASE + path, { method, headers: h, body, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, instance: response.headers.get('x-portal-instance'), headers: response.headers, text };
}

function sql(query) {
  return execFileSync('psql', [DB, '-XtAq', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' }).trim();
}

async function signIn(identifier) {
  const reply = await call('/api/sign_in', { form: { identifier, password: PASSWORD } });
  assert.equal(reply.status, 200, `${identifier} signs in: ${reply.text}`);
  const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('portal_session='));
  assert.ok(cookie, 'sign-in sets the session cookie');
  return { cookie: cookie.split(';')[0], instance: reply.instance };
}

/** Reports a fault as the report form does (multipart); returns the ticket number. */
async function report(cookie, key = randomUUID(), description = '整栋楼没电', headers = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({
    account_no: '3100000001', category: 'no_power', description, address: '叶柏寿街道建设路13号',
    contact_phone: HOUSEHOLD, submission_key: key,
  })) form.append(name, value);
  const reply = await call('/api/report_fault', { cookie, body: form, headers });
  const number = reply.headers.get('location')?.match(/^\/tickets\/(\w+)$/)?.[1];
  return { ...reply, number };
}

/** A live stream through nginx, counting its "changed" events until it ends or is closed. */
async function openStream(path, cookie) {
  const abort = new AbortController();
  const response = await fetch(BASE + path, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
  assert.equal(response.status, 200, `${path} opens`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const stream = { instance: response.headers.get('x-portal-instance'), events: 0, ended: false, closed: false };
  stream.close = () => { stream.closed = true; abort.abort(); };
  stream.done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          if (/^event: changed$/m.test(buffer.slice(0, end))) stream.events++;
          buffer = buffer.slice(end + 2);
        }
      }
    } catch { /* closed by us, or cut */ }
    stream.ended = true;
  })();
  streams.push(stream);
  return stream;
}
const streams = [];
after(() => streams.forEach((s) => s.close()));

async function waitFor(what, condition, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return;
    await sleep(20);
  }
  assert.fail(`${what}: not within ${ms} ms`);
}

/** scripts/cluster.sh with this cluster's folder; resolves with its exit code and output. */
function cluster(...args) {
  return new Promise((resolve) => {
    execFile(CLUSTER, args, { env: process.env }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

/** "YYYY-MM-DDTHH:MM" in the utility's time (UTC+8), as the publish form takes it. */
function localInput(hoursFromNow) {
  return new Date(Date.now() + (hoursFromNow + 8) * 3600 * 1000).toISOString().slice(0, 16);
}

let household;
let supervisor;
let ticket;

test('a session made on one process is good on the other', async () => {
  household = await signIn(HOUSEHOLD);
  assert.match(household.instance ?? '', /^app-\d+$/, 'every answer names its process');
  const next = await call('/me', { cookie: household.cookie });
  assert.equal(next.status, 200, 'signed in on the next request');
  assert.notEqual(next.instance, household.instance, 'nginx sends the next request to the other process');
  const back = await call('/me', { cookie: household.cookie });
  assert.equal(back.status, 200);
  assert.equal(back.instance, household.instance, 'and the one after back to the first');
  const signedOut = await call('/me');
  assert.equal(signedOut.status, 401, 'without the cookie /me is refused (the check is real)');
  console.log(`signed in on ${household.instance}; the session served by ${next.instance} and ${back.instance}`);
});

test('a change made through one process reaches a live page held open on the other', async () => {
  supervisor = await signIn(SUPERVISOR);
  const reported = await report(household.cookie);
  assert.equal(reported.status, 200, reported.text);
  ticket = reported.number;
  // Round robin puts the two streams on the two processes.
  const first = await openStream(`/live/tickets/${ticket}`, household.cookie);
  const second = await openStream(`/live/tickets/${ticket}`, household.cookie);
  assert.notEqual(first.instance, second.instance, 'one stream on each process');
  // stream's process → the processes whose changes it heard. A fresh stream may miss a change
  // sent before its LISTEN is in place, hence a few changes rather than one.
  const heard = new Map([[first.instance, new Set()], [second.instance, new Set()]]);
  const crossed = () => [...heard].every(([on, from]) => [...from].some((via) => via !== on));
  for (let attempt = 0; attempt < 20 && !crossed(); attempt++) {
    const before = [first.events, second.events];
    const note = await call('/api/post_message', {
      cookie: supervisor.cookie, form: { number: ticket, body: `进度 ${attempt}`, internal: '1' },
    });
    assert.equal(note.status, 200, note.text);
    await waitFor('both streams hear the change', () => first.events > before[0] && second.events > before[1], 1500)
      .catch(() => {});
    if (first.events > before[0]) heard.get(first.instance).add(note.instance);
    if (second.events > before[1]) heard.get(second.instance).add(note.instance);
  }
  for (const [on, from] of heard) {
    assert.ok([...from].some((via) => via !== on), `the stream on ${on} heard a change made through another process (heard from: ${[...from]})`);
  }
  console.log(`stream on ${first.instance} heard changes made through ${[...heard.get(first.instance)]}; on ${second.instance} through ${[...heard.get(second.instance)]}`);
  first.close();
  second.close();
});

test('a reminder and a delivery go out once across both processes', async () => {
  // A staff reply the household is told of (in the portal, and one SMS).
  const reply = await call('/api/post_message', { cookie: supervisor.cookie, form: { number: ticket, body: '抢修人员已出发' } });
  assert.equal(reply.status, 200, reply.text);
  // Planned work in 黑水镇 (HS), published now for 9 days ahead: everyone there is told.
  const setup = await call('/api/publish_form', { cookie: supervisor.cookie, form: {} });
  assert.equal(setup.status, 200, setup.text);
  const reason = `集群测试检修 ${randomUUID().slice(0, 8)}`;
  const published = await call('/api/publish_outage', {
    cookie: supervisor.cookie,
    form: {
      submission_key: JSON.parse(setup.text).submission_key, kind: 'planned', reason, public_note: '',
      'areas[0]': 'HS', starts_at: localInput(9 * 24), ends_at: localInput(9 * 24 + 8),
    },
  });
  assert.equal(published.status, 200, published.text);
  const outage = Number(published.headers.get('location')?.match(/^\/outages\/(\d+)$/)?.[1]);
  assert.ok(outage > 0, `the outage's page: ${published.headers.get('location')}`);
  // As if it had been published two days ago for six days from now: its 7-day reminder is due,
  // and both processes' sweeps (every second) race for it.
  sql(`update outages set published_at = now() - interval '2 days', starts_at = now() + interval '6 days',
       ends_at = now() + interval '6 days 8 hours' where id = ${outage}`);
  const count = (kind) => Number(sql(`select count(*) from notifications where outage_id = ${outage} and kind = '${kind}'`));
  const told = count('outage_published');
  assert.ok(told > 0, 'households in HS are told of the outage');
  const pending = () => Number(sql(`select count(*) from deliveries where status = 'pending'`));
  await waitFor('the reminder is sent and every delivery is done', () => count('outage_reminder_7d') > 0 && pending() === 0, 15000);
  // A few more sweeps by both processes: nothing may go twice.
  await sleep(3500);
  assert.equal(count('outage_reminder_7d'), told, 'each household reminded once');
  assert.equal(Number(sql(`select count(*) from outage_events where outage_id = ${outage} and kind = 'reminder_7d'`)), 1);
  assert.equal(pending(), 0);

  // Every sent delivery is one line in one process's log: per address, the lines of both logs
  // together are exactly the deliveries the database marks sent.
  const lines = [1, 2].flatMap((n) => {
    const file = `${DIR}/app-${n}/deliveries.log`;
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => ({ n, l })) : [];
  });
  const logged = {};
  for (const { l } of lines) {
    const [channel, address] = l.split('\t');
    logged[`${channel} ${address}`] = (logged[`${channel} ${address}`] ?? 0) + 1;
  }
  const sent = Object.fromEntries(sql(`select channel || ' ' || address, count(*) from deliveries where status = 'sent' group by 1 order by 1`)
    .split('\n').filter(Boolean).map((row) => row.split('|')).map(([k, v]) => [k, Number(v)]));
  assert.deepEqual(logged, sent, 'each delivery sent once, by one process');
  const about = lines.filter(({ l }) => l.includes(reason));
  const expected = Number(sql(`select count(*) from deliveries d join notifications n on n.id = d.notification_id where n.outage_id = ${outage}`));
  assert.equal(about.length, expected, "the outage's notice and reminder, once per channel each");
  assert.equal(new Set(about.map(({ l }) => l)).size, about.length, 'no line twice');
  const display = `${ticket.slice(0, 4)}-${ticket.slice(4)}`;
  const toHousehold = lines.filter(({ l }) => l.startsWith(`sms\t${HOUSEHOLD}\t`) && l.includes(display));
  assert.equal(toHousehold.length, 1, `one SMS to the household about the reply on ${display}: ${toHousehold.map((x) => x.l)}`);
  const by = (n) => lines.filter((x) => x.n === n).length;
  console.log(`${told} households told and reminded once; ${lines.length} messages sent: ${by(1)} by app-1, ${by(2)} by app-2, none twice`);
});

test('stopping and restarting a process under load loses no GET and no session', async () => {
  // A stream held on app-1: its process ends it when told to stop, so the browser reconnects.
  let held;
  for (let i = 0; i < 4 && held?.instance !== 'app-1'; i++) {
    held?.close();
    held = await openStream(`/live/tickets/${ticket}`, household.cookie);
  }
  assert.equal(held.instance, 'app-1');

  const stats = { get: 0, post: 0, retried: 0, failedPosts: [], served: {}, acknowledged: [] };
  const problems = [];
  let running = true;
  let seq = 0;
  const gets = [
    ['/signin', null, 200], ['/outages', null, 200], ['/outages?area=HS', null, 200],
    ['/me', 'household', 200], [`/tickets/${ticket}`, 'household', 200], ['/', 'household', 200],
  ];
  let phase = 'before';
  async function worker(w) {
    for (let i = w; running; i++) {
      const id = `load-${++seq}`;
      const headers = { 'x-request-id': id };
      try {
        if (i % 8 === 7) {
          stats.post++;
          const key = randomUUID();
          const reply = await report(household.cookie, key, 'cluster-load', headers);
          (stats.served[`${reply.instance} ${phase}`] ??= 0);
          stats.served[`${reply.instance} ${phase}`]++;
          if (reply.status === 200 && reply.number) stats.acknowledged.push(reply.number);
          else stats.failedPosts.push(`${reply.status} ${phase}`);
        } else {
          const [path, who, want] = gets[i % gets.length];
          stats.get++;
          const reply = await call(path, { cookie: who ? household.cookie : undefined, headers });
          (stats.served[`${reply.instance} ${phase}`] ??= 0);
          stats.served[`${reply.instance} ${phase}`]++;
          if (reply.status !== want) {
            problems.push(`GET ${path} (${phase}): ${reply.status} from ${reply.instance}: ${reply.text.slice(0, 120)}`);
          }
        }
      } catch (error) {
        problems.push(`request ${id} (${phase}) failed: ${error.message}`);
      }
      await sleep(5);
    }
  }
  const workers = [0, 1, 2, 3].map(worker);
  let stopped, started, stopSeconds;
  try {
    await sleep(1000);
    phase = 'stopping';
    const stopStarted = Date.now();
    stopped = await cluster('stop', '1');
    stopSeconds = (Date.now() - stopStarted) / 1000;
    phase = 'stopped';
    await waitFor('the stream on app-1 ends with its process', () => held.ended, 1000).catch(() => {});
    await sleep(1000);
    phase = 'starting';
    started = await cluster('start', '1');
    phase = 'restarted';
    // nginx takes app-1 back once its fail_timeout (5 s) has passed since the last failure.
    await waitFor('app-1 serves again through nginx', () => (stats.served['app-1 restarted'] ?? 0) > 0, 15000).catch(() => {});
    await sleep(500);
  } finally {
    running = false;
    await Promise.all(workers);
  }

  // Which requests nginx had to send to a second process (the access log names each try).
  const log = readFileSync(`${DIR}/nginx/access.log`, 'utf8').split('\n').filter((l) => / request_id=load-\d+$/.test(l));
  stats.retried = log.filter((l) => /upstream_status=\S+, /.test(l)).length;
  const total = stats.get + stats.post;
  console.log(`under load: ${total} requests (${stats.get} GETs, ${stats.post} report POSTs) through nginx while app-1 ` +
    `stopped (${stopSeconds.toFixed(1)} s after SIGTERM) and started again; ${stats.retried} retried by nginx on the other ` +
    `process; ${stats.failedPosts.length} POSTs refused (${stats.failedPosts.join(', ') || 'none'})`);
  console.log(`served: ${JSON.stringify(stats.served)}`);

  assert.equal(stopped.code, 0, `app-1 exits within 10 s of SIGTERM: ${stopped.output}`);
  assert.ok(held.ended && !held.closed, 'the stream on the stopping process was ended by it');
  assert.equal(started.code, 0, `app-1 starts again: ${started.output}`);
  assert.deepEqual(problems.slice(0, 10), [], `no GET failed (${problems.length} did; the first 10 above)`);
  assert.ok(stats.get > 100, 'a steady stream of requests was sent');
  assert.ok((stats.served['app-1 restarted'] ?? 0) > 0, 'the restarted process serves again');
  // A POST nginx could not retry (it had reached the stopping process) may fail with 502; any
  // other failure is wrong, and every acknowledged report is stored once.
  for (const f of stats.failedPosts) assert.match(f, /^50[23] /, 'a refused POST is one nginx could not retry');
  assert.equal(log.length, total, 'the access log has every request');
  const stored = sql(`select c.number from cases c join tickets t on t.id = c.id where t.description = 'cluster-load'`).split('\n').filter(Boolean);
  for (const number of stats.acknowledged) assert.ok(stored.includes(number), `acknowledged report ${number} is stored`);
  assert.ok(stored.length <= stats.post, 'no report stored twice');
  // The session made before still works on both processes.
  const seen = new Set();
  for (let i = 0; i < 4; i++) {
    const me = await call('/me', { cookie: household.cookie });
    assert.equal(me.status, 200, 'still signed in');
    seen.add(me.instance);
  }
  assert.deepEqual([...seen].sort(), ['app-1', 'app-2'], 'the session works on both processes after the restart');
});
