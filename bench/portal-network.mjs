// The portal on a slow network, measured in Chromium: see bench/portal-network.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../t/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const env = process.env;
const portal = (env.PD_BENCH_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const user = env.PD_BENCH_USER || 'expert1';
const password = env.PD_BENCH_PASSWORD || 'pharmadesk';
const runs = Number(env.PD_BENCH_RUNS || 5);
const route = env.PD_BENCH_ROUTE || '#/tickets';
// "Fast 3G"-like: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up
const NETWORK = {
  offline: false,
  latency: Number(env.PD_BENCH_RTT || 150),
  downloadThroughput: Number(env.PD_BENCH_DOWN_KBPS || 1600) * 1000 / 8,
  uploadThroughput: Number(env.PD_BENCH_UP_KBPS || 750) * 1000 / 8,
};

const browser = await chromium.launch({
  executablePath: env.PD_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});

// Signing in is not measured: its cookies are kept and each run starts from
// them with an empty cache.
async function signedIn() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`${portal}/`);
  await page.fill('input[name="username"]', user);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((u) => u.origin === new URL(portal).origin), page.click('button[type="submit"]')]);
  await page.waitForSelector('main[aria-busy="false"]');
  const state = await context.storageState();
  await context.close();
  return state;
}

// When the list's first row is on the screen (the frame after it was put
// into the page), in ms since the navigation started.
function listWatch() {
  const seen = () => document.querySelector('#view a[href^="#/t/"]');
  new MutationObserver((_, obs) => {
    if (!seen()) return;
    obs.disconnect();
    requestAnimationFrame(() => { window.pdListPainted = performance.now(); });
  }).observe(document, { childList: true, subtree: true });
}

async function measure(state, { compressed }) {
  const context = await browser.newContext({ storageState: state, ignoreHTTPSErrors: true });
  await context.addInitScript(listWatch);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', NETWORK);
  if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  const net = { requests: 0, cached: 0, bytes: 0 };
  const trace = {};
  cdp.on('Network.requestWillBeSent', (e) => {
    net.requests += 1;
    if (env.PD_BENCH_TRACE) trace[e.requestId] = { url: e.request.url.replace(portal, ''), t0: e.timestamp };
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = trace[e.requestId];
    if (r) console.log(`    ${Math.round(r.t0 * 1000) % 100000} +${Math.round((e.timestamp - r.t0) * 1000)} ms ${e.encodedDataLength} B ${r.url}`);
  });
  cdp.on('Network.requestServedFromCache', () => { net.cached += 1; });
  cdp.on('Network.responseReceived', (e) => { if (e.response.fromDiskCache) net.cached += 1; });
  cdp.on('Network.loadingFinished', (e) => { net.bytes += e.encodedDataLength; });
  const drawn = () => page.waitForFunction(() => window.pdListPainted, null, { polling: 50, timeout: 30000 });
  const snapshot = () => {
    const s = { ...net, network: net.requests - net.cached };
    Object.assign(net, { requests: 0, cached: 0, bytes: 0 });
    return s;
  };

  await page.goto(`${portal}/${route}`);
  await drawn();
  const cold = await page.evaluate(() => ({
    list: window.pdListPainted,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
  }));
  const coldNet = snapshot();

  // a ticket opened from the list, as a person does once they have read it
  // (PD_BENCH_THINK ms later): from the click to its page drawn
  await page.waitForTimeout(Number(env.PD_BENCH_THINK ?? 1000));
  snapshot();
  const open = await page.evaluate(() => new Promise((done, fail) => {
    const t0 = performance.now();
    setTimeout(() => fail(new Error('the ticket was not drawn within 30 s')), 30000);
    document.querySelector('#view a[href^="#/t/"]').click();
    const check = () => {
      const main = document.querySelector('main');
      if (/^#\/t\/\d+/.test(location.hash) && main.getAttribute('aria-busy') === 'false'
          && !document.querySelector('#view .loading') && document.querySelector('#view h2 .number') && document.querySelector('#view .timeline-box')) {
        requestAnimationFrame(() => done(performance.now() - t0));
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }));
  const openNet = snapshot();

  // the list again after a reload, everything cached that may be
  await page.goto(`${portal}/${route}`);
  await page.reload();
  await drawn();
  const warm = await page.evaluate(() => window.pdListPainted);
  snapshot();
  await page.reload();
  await drawn();
  const warm2 = await page.evaluate(() => window.pdListPainted);
  const warmNet = snapshot();
  await context.close();
  return { cold, coldNet, open, openNet, warm: Math.min(warm, warm2), warmNet };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${Math.round(x)} ms`;
const kb = (x) => `${(x / 1024).toFixed(1)} KiB`;

const state = await signedIn();
console.log(`portal ${portal}, ${user}, ${route}; network: ${NETWORK.latency} ms RTT, `
  + `${NETWORK.downloadThroughput * 8 / 1000} kbit/s down, ${NETWORK.uploadThroughput * 8 / 1000} kbit/s up; `
  + `median of ${runs} runs`);
for (const compressed of (env.PD_BENCH_MODES || 'compressed identity').split(/\s+/).map((m) => m === 'compressed')) {
  const all = [];
  for (let i = 0; i < runs; i += 1) all.push(await measure(state, { compressed }));
  const m = (f) => median(all.map(f));
  console.log(`\n${compressed ? 'compressed (br/gzip)' : 'uncompressed (Accept-Encoding: identity)'}`);
  console.log(`  list, empty cache: first contentful paint ${ms(m((r) => r.cold.fcp))}, list painted ${ms(m((r) => r.cold.list))}`
    + ` (${m((r) => r.coldNet.requests)} requests, ${kb(m((r) => r.coldNet.bytes))} transferred)`);
  console.log(`  ticket opened from the list: drawn ${ms(m((r) => r.open))}`
    + ` (${m((r) => r.openNet.requests)} requests, ${kb(m((r) => r.openNet.bytes))})`);
  console.log(`  list, reloaded: painted ${ms(m((r) => r.warm))}`
    + ` (${m((r) => r.warmNet.requests)} requests, ${m((r) => r.warmNet.network)} over the network, ${kb(m((r) => r.warmNet.bytes))})`);
}
await browser.close();
