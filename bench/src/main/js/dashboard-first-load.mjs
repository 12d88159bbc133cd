// One first load of the dashboard in a fresh headless Chromium (empty profile, so an empty cache), then one repeat
// load in the same browser: requests, bytes over the wire, DOMContentLoaded and the moment the page's first data is
// drawn. DashboardLoadBench runs this several times and reports medians; it can also be run by hand:
//
//   DASHBOARD_LOAD='{"base":"http://127.0.0.1:3000","tools":"tools","path":"/dashboard/",
//                    "ready":"#signin-form[data-loaded]","cookie":null}' node bench/src/main/js/dashboard-first-load.mjs
//
// Prints one line of JSON: {"cold": {...}, "warm": {...}}, times in ms from the start of the navigation.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cfg = JSON.parse(process.env.DASHBOARD_LOAD);
const require = createRequire(join(resolve(cfg.tools), 'package.json'));
const { chromium } = require('playwright-core');

async function measure(page, cdp) {
  const requests = new Set();
  const cached = new Set();
  let bytes = 0;
  const onRequest = (e) => requests.add(e.requestId);
  const onCached = (e) => cached.add(e.requestId); // memory or disk cache: nothing sent
  const onResponse = (e) => {
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) {
      cached.add(e.requestId);
    }
  };
  const onFinished = (e) => { bytes += e.encodedDataLength; };
  cdp.on('Network.requestWillBeSent', onRequest);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  await page.goto(cfg.base + cfg.path, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.__firstData !== undefined, null, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { domContentLoaded: nav.domContentLoadedEventEnd, firstData: window.__firstData };
  });
  cdp.off('Network.requestWillBeSent', onRequest);
  cdp.off('Network.requestServedFromCache', onCached);
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.loadingFinished', onFinished);
  return { requests: requests.size, network_requests: requests.size - cached.size, bytes, ...timing };
}

const profile = mkdtempSync(join(tmpdir(), 'infernet-bench-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: cfg.chromium ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  if (cfg.cookie) {
    await context.addCookies([{ name: 'infernet_session', value: cfg.cookie, url: cfg.base }]);
  }
  // the first moment the page's data is in the DOM, as performance.now() (ms from the navigation's start)
  await context.addInitScript((selector) => {
    const seen = () => {
      if (window.__firstData === undefined && document.querySelector(selector)) {
        window.__firstData = performance.now();
      }
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true, attributes: true });
  }, cfg.ready);
  const page = context.pages()[0] ?? await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const cold = await measure(page, cdp);
  const warm = await measure(page, cdp);
  process.stdout.write(`${JSON.stringify({ cold, warm })}\n`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
