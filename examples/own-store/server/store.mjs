// A small replicated key-value store, written to be tested by faultline. The first node is the
// primary: writes and compare-and-set go to it (a follower forwards them); reads are served by
// whichever node the client asks. By default the primary acknowledges a write at once and sends
// it to the followers afterwards, once, without waiting: fast, and wrong — a follower that misses
// a write keeps the old value, and a read there can go back in time.
//
// SYNC=1: the primary acknowledges a write only after every follower has applied it (each
// follower gets the writes in order, retried until it takes them), and a follower serves a read
// only after the primary told it how far the writes go and it has applied that far.
import http from 'node:http';

const arg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const me = arg('node');
const nodes = arg('nodes').split(',').map((s) => { const [name, addr] = s.split('='); return { name, addr }; });
const SYNC = process.env.SYNC === '1';
const [primary, ...followers] = nodes;
const isPrimary = me === primary.name;

const data = new Map();
let applied = 0; // index of the last write applied here

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One HTTP request to another node; `sent` says whether it got as far as a connection. */
function call(addr, method, path, body, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const [host, port] = addr.split(':');
    let sent = false;
    const req = http.request({ host, port, method, path, agent: false, timeout: timeoutMs, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text, sent: true }));
    });
    req.on('socket', (s) => s.once('connect', () => (sent = true)));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: sent ? 504 : 503, text: JSON.stringify({ error: err.message, sent }), sent }));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

// Per follower, the writes not yet delivered, in order (SYNC only).
const queues = new Map(followers.map((f) => [f.name, Promise.resolve()]));
function replicate(entry) {
  if (!SYNC) {
    for (const f of followers) void call(f.addr, 'POST', '/replicate', entry); // once, not waited for
    return Promise.resolve();
  }
  return Promise.all(followers.map((f) => {
    const next = queues.get(f.name).then(async () => {
      while ((await call(f.addr, 'POST', '/replicate', entry)).status !== 200) await sleep(100);
    });
    queues.set(f.name, next);
    return next;
  }));
}

async function write(key, value) {
  const entry = { index: ++applied, key, value };
  data.set(key, value);
  await replicate(entry);
}

async function readIndex() {
  if (isPrimary || !SYNC) return;
  const r = await call(primary.addr, 'GET', '/index');
  if (r.status !== 200) throw new Error('primary unreachable');
  const { index } = JSON.parse(r.text);
  for (const until = Date.now() + 1000; applied < index; await sleep(5)) if (Date.now() > until) throw new Error('behind the primary');
}

const routes = {
  'GET /health': async () => [200, { node: me, primary: primary.name, sync: SYNC, time: Date.now() }],
  'GET /index': async () => [200, { index: applied }],
  'POST /replicate': async ({ index, key, value }) => {
    if (index > applied) { data.set(key, value); applied = index; }
    return [200, {}];
  },
  'GET /read': async (_, q) => { await readIndex(); return [200, { value: data.get(q.get('key')) ?? null }]; },
  'POST /write': async ({ key, value }) => { await write(key, value); return [200, {}]; },
  'POST /cas': async ({ key, from, to }) => {
    if ((data.get(key) ?? null) !== from) return [409, { error: `the value is not ${from}` }];
    await write(key, to);
    return [200, {}];
  },
};

http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    const url = new URL(req.url, 'http://x');
    const route = `${req.method} ${url.pathname}`;
    const reply = (status, text) => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    if (!isPrimary && (route === 'POST /write' || route === 'POST /cas')) {
      const r = await call(primary.addr, 'POST', url.pathname, JSON.parse(body || '{}'), 2000);
      return reply(r.status, r.text);
    }
    const handler = routes[route];
    if (!handler) return reply(404, JSON.stringify({ error: `no ${route}` }));
    try {
      const [status, out] = await handler(JSON.parse(body || '{}'), url.searchParams);
      reply(status, JSON.stringify(out));
    } catch (err) {
      reply(503, JSON.stringify({ error: err.message, sent: false }));
    }
  });
}).listen(Number(arg('port')), () => console.log(`${me}: listening, primary ${primary.name}, ${SYNC ? 'synchronous' : 'asynchronous'} replication`));
