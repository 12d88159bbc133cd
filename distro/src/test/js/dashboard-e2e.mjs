// The dashboard in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core), driven the way a
// user works it: one scenario per run, against a running control plane. DashboardIT starts the processes, runs
// this script once per scenario and asserts on what it returns.
//
//   DASHBOARD_E2E='{"scenario":"signUp","base":"http://127.0.0.1:3000","tools":".../tools",
//                   "screenshots":".../distro/target/screenshots","params":{...}}' node dashboard-e2e.mjs
//
// Protocol on stdout (one line each): "AWAIT <name> <json>" asks the test to act (kill a node, check a key) and
// waits for its "OK <json>" line on stdin; "RESULT <json>" is what the scenario saw. Any failure: a screenshot
// <scenario>-failed.png, the reason on stderr, exit code 1. Waits are conditions on the page with a time limit,
// never sleeps.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const cfg = JSON.parse(process.env.DASHBOARD_E2E);
const require = createRequire(join(cfg.tools, 'package.json'));
const { chromium } = require('playwright-core');
const { schnorr } = require('@noble/curves/secp256k1');
const { sha256 } = require('@noble/hashes/sha2');
const { bytesToHex, hexToBytes } = require('@noble/hashes/utils');

const XSS_GUARD = 'window.__xss === undefined && !document.querySelector("img[src=x]")';
const lines = createInterface({ input: process.stdin });
const pending = [];
lines.on('line', (line) => pending.shift()?.(line));

/** Asks the test to do something and waits for its answer. */
function ask(name, data = {}) {
  return new Promise((resolve, reject) => {
    pending.push((line) => (line.startsWith('OK') ? resolve(JSON.parse(line.slice(3) || '{}'))
      : reject(new Error(`the test answered ${line}`))));
    process.stdout.write(`AWAIT ${name} ${JSON.stringify(data)}\n`);
  });
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

/** A NIP-07 signer backed by a secret key on this side (BIP-340 via @noble/curves): the page never sees the key. */
async function installSigner(context, secretHex) {
  const secret = hexToBytes(secretHex.trim());
  const pubkey = bytesToHex(schnorr.getPublicKey(secret));
  await context.exposeFunction('__e2eNostrPubkey', () => pubkey);
  await context.exposeFunction('__e2eNostrSign', (json) => {
    const ev = JSON.parse(json);
    check(ev.pubkey === undefined || ev.pubkey === pubkey, 'asked to sign for another key');
    const serial = JSON.stringify([0, pubkey, ev.created_at, ev.kind, ev.tags, ev.content]);
    const id = sha256(new TextEncoder().encode(serial));
    return JSON.stringify({ ...ev, pubkey, id: bytesToHex(id), sig: bytesToHex(schnorr.sign(id, secret)) });
  });
  await context.addInitScript(() => {
    window.nostr = {
      getPublicKey: () => window.__e2eNostrPubkey(),
      signEvent: async (ev) => JSON.parse(await window.__e2eNostrSign(JSON.stringify(ev))),
    };
  });
  return pubkey;
}

class Session {
  constructor(context, page) {
    this.context = context;
    this.page = page;
    this.problems = [];
    page.on('pageerror', (e) => this.problems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) {
        this.problems.push(`CSP: ${m.text()}`);
      }
    });
  }

  async open(path) {
    await this.page.goto(cfg.base + path);
    await this.page.waitForSelector('html[data-ready="true"]');
  }

  async shot(name) {
    await this.page.screenshot({ path: join(cfg.screenshots, `${name}.png`), fullPage: true });
  }

  text(selector) {
    return this.page.locator(selector).first().innerText();
  }

  status() {
    return this.page.locator('#status').innerText();
  }

  /** Waits until the status region says something matching re. */
  async statusMatches(re, timeout = 30_000) {
    await this.page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status').textContent),
      re.source, { timeout });
    return this.status();
  }

  async heading(text, timeout = 30_000) {
    await this.page.waitForFunction((t) => document.getElementById('page-title')?.textContent === t, text,
      { timeout });
  }

  async signInWithPassword(email, password) {
    await this.open('/dashboard/signin');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await this.page.waitForFunction((e) => document.getElementById('account-name')?.textContent === e, email);
  }

  async nav(name, heading) {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
    await this.heading(heading);
  }

  async xssClean() {
    return this.page.evaluate(XSS_GUARD);
  }
}

const scenarios = {
  /** Sign up from the start page: redirected to sign-in, then to sign-up, then in as a client. */
  async signUp(s, { email, password }) {
    await s.open('/dashboard/');
    check(s.page.url().endsWith('/dashboard/signin'), `the start page went to ${s.page.url()}`);
    await s.page.getByRole('link', { name: 'Create an account' }).click();
    await s.heading('Create an account');
    await s.page.getByLabel('Email').fill(email);
    await s.page.getByLabel('Password').fill(password);
    await s.page.getByLabel('use models (client)').check();
    await s.page.getByRole('button', { name: 'Create account' }).click();
    await s.heading('Models');
    await s.page.waitForSelector('#models [data-testid="models-table"], #models .empty');
    await s.shot('sign-up');
    return {
      url: s.page.url(), account: await s.text('#account-name'), role: await s.text('#account-role'),
      status: await s.status(),
      nav: await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts(),
    };
  },

  /** A wrong password is refused with the API's reason; the right one signs in; the session survives a reload. */
  async passwordSignIn(s, { email, password }) {
    await s.open('/dashboard/signin');
    await s.page.getByLabel('Email').fill(email);
    await s.page.getByLabel('Password').fill(`${password}-wrong`);
    await s.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const refused = await s.statusMatches(/Sign-in failed/);
    check(await s.page.locator('#account').isHidden(), 'signed in with a wrong password');
    await s.shot('sign-in-refused');
    await s.signInWithPassword(email, password);
    await s.heading('Models');
    const models = await s.page.locator('#models').innerText();
    await s.shot('sign-in');
    await s.page.reload();
    await s.page.waitForSelector('html[data-ready="true"]');
    const afterReload = await s.text('#account-name');
    await s.page.getByRole('button', { name: 'Sign out' }).click();
    await s.heading('Sign in');
    const afterSignOut = await s.page.locator('#account').isHidden();
    return { refused, account: afterReload, models, url: s.page.url(), signedOut: afterSignOut };
  },

  /** Without a NIP-07 signer the page says so; with one (the node's key) the operator sees their node. */
  async nostrSignIn(s, { nodeKey, nodeId }) {
    await s.open('/dashboard/signin');
    await s.page.getByRole('button', { name: 'Sign in with Nostr' }).click();
    const noSigner = await s.statusMatches(/No Nostr signer found/);
    await s.shot('nostr-no-signer');
    const pubkey = await installSigner(s.context, readFileSync(nodeKey, 'utf8'));
    await s.open('/dashboard/signin');
    await s.page.getByRole('button', { name: 'Sign in with Nostr' }).click();
    await s.heading('My nodes');
    const card = s.page.locator(`[data-testid="node-card"][data-node-id="${nodeId}"]`);
    await card.waitFor();
    await card.locator('[data-testid="node-online"][data-online="true"]').waitFor();
    await s.shot('nostr-sign-in');
    return {
      pubkey, noSigner, account: await s.text('#account-name'), role: await s.text('#account-role'),
      online: await card.locator('[data-testid="node-online"]').innerText(),
      models: await card.locator('[data-testid="node-models"]').innerText(),
    };
  },

  /** A key is created and shown once, works, is revoked from the list and stops working. */
  async apiKey(s, { email, password, keyName }) {
    await s.signInWithPassword(email, password);
    await s.nav('API keys', 'API keys');
    await s.page.getByLabel('Name of the new key').fill(keyName);
    await s.page.getByRole('button', { name: 'Create key' }).click();
    const token = await s.page.getByTestId('new-key-token').innerText();
    const row = s.page.locator('[data-testid="key-row"]').filter({ hasText: keyName });
    await row.waitFor();
    await s.shot('api-key-created');
    const used = await ask('key-created', { token });
    await row.getByRole('button', { name: `Revoke key ${keyName}` }).click();
    await row.getByRole('button', { name: `Revoke key ${keyName}` }).click(); // the second press confirms
    await row.locator('.badge', { hasText: 'revoked' }).waitFor();
    await s.shot('api-key-revoked');
    const revoked = await ask('key-revoked', { token });
    await s.page.reload();
    await s.page.locator('[data-testid="key-row"]').filter({ hasText: keyName }).locator('.badge',
      { hasText: 'revoked' }).waitFor();
    return { token, used, revoked, rowAfter: await row.innerText() };
  },

  /** The playground streams: the output grows token by token while the state says streaming, then completes. */
  async playground(s, { email, password, model, prompt }) {
    await s.signInWithPassword(email, password);
    await s.nav('Playground', 'Playground');
    await s.page.locator(`#playground-model option[value="${model}"]`).waitFor({ state: 'attached' });
    await s.page.getByLabel('Model').selectOption(model);
    await s.page.getByLabel('Prompt').fill(prompt);
    await s.page.getByLabel('Most tokens to generate').fill('64');
    await s.page.evaluate(() => {
      const out = document.getElementById('playground-output');
      const state = document.getElementById('playground-state');
      window.__samples = [];
      window.__states = [];
      new MutationObserver(() => window.__samples.push({ t: performance.now(), length: out.textContent.length }))
        .observe(out, { childList: true, characterData: true, subtree: true });
      new MutationObserver(() => {
        if (window.__states[window.__states.length - 1] !== state.dataset.state) {
          window.__states.push(state.dataset.state);
        }
      }).observe(state, { attributes: true, attributeFilter: ['data-state'] });
    });
    await s.page.getByRole('button', { name: 'Run' }).click();
    await s.page.waitForSelector('#playground-state[data-state="done"], #playground-state[data-state="error"]',
      { timeout: 120_000 });
    await s.shot('playground');
    const result = await s.page.evaluate(() => ({
      samples: window.__samples, states: window.__states,
      output: document.getElementById('playground-output').textContent,
      state: document.getElementById('playground-state').textContent,
    }));
    await s.nav('Jobs', 'Recent jobs');
    await s.page.waitForSelector('#jobs [data-testid="jobs-table"], #jobs .empty');
    result.jobs = await s.page.locator('#jobs').innerText();
    await s.shot('jobs');
    return result;
  },

  /** A model install is queued from the node's card and its status moves on without a reload. */
  async modelInstall(s, { nodeKey, nodeId, model }) {
    await installSigner(s.context, readFileSync(nodeKey, 'utf8'));
    await s.open('/dashboard/signin');
    await s.page.getByRole('button', { name: 'Sign in with Nostr' }).click();
    await s.heading('My nodes');
    const card = s.page.locator(`[data-testid="node-card"][data-node-id="${nodeId}"]`);
    await card.waitFor();
    await s.page.evaluate((id) => {
      const box = document.querySelector(`[data-node-id="${id}"] [data-testid="node-commands"]`);
      window.__seen = [];
      const note = () => {
        const rows = box.querySelectorAll('[data-testid="command-row"]');
        const newest = rows[0]?.querySelector('[data-testid="command-status"]')?.dataset.status;
        if (newest && window.__seen[window.__seen.length - 1] !== newest) {
          window.__seen.push(newest);
        }
      };
      new MutationObserver(note).observe(box, { childList: true, subtree: true, attributes: true });
    }, nodeId);
    await card.getByLabel(/Model to install on/).fill(model);
    await card.getByRole('button', { name: 'Install' }).click();
    const queued = await s.statusMatches(/queued/);
    await s.shot('model-install-queued');
    await s.page.waitForFunction(() => window.__seen.some((x) => x !== 'queued'), null, { timeout: 120_000 });
    await s.shot('model-install-progress');
    const commands = await card.getByTestId('node-commands').innerText();
    return { queued, seen: await s.page.evaluate(() => window.__seen), commands, navigations: await navigations(s) };
  },

  /** The admin approves a waiting node, creates a registration token and changes an account's role. */
  async admin(s, { email, password, nodeId, account }) {
    await s.signInWithPassword(email, password);
    await s.heading('Node approval');
    const row = s.page.locator(`[data-testid="admin-node-row"][data-node-id="${nodeId}"]`);
    await row.locator('[data-testid="node-approval"][data-approval="pending"]').waitFor();
    const before = await row.innerText();
    await s.shot('admin-pending');
    await row.getByTestId('approve-node').click();
    await row.locator('[data-testid="node-approval"][data-approval="approved"]').waitFor();
    const approved = await s.status();
    await s.page.getByRole('button', { name: 'Create registration token' }).click();
    const registration = await s.page.getByTestId('registration-token').innerText();
    await s.shot('admin-approved');
    await s.nav('Accounts', 'Accounts');
    const accountRow = s.page.locator('[data-testid="account-row"]').filter({ hasText: account });
    await accountRow.waitFor();
    await accountRow.getByLabel(`Role of ${account}`).selectOption('operator');
    await accountRow.getByRole('button', { name: 'Change role' }).click();
    await s.page.locator('[data-testid="account-row"][data-role="operator"]').filter({ hasText: account }).waitFor();
    await s.shot('admin-accounts');
    return { before, approved, registration, role: await s.status(), xssClean: await s.xssClean() };
  },

  /** Markup in a key name and a node name stays text: no element, no script. */
  async xss(s, { email, password, payload, nodeId }) {
    await s.signInWithPassword(email, password);
    await s.nav('API keys', 'API keys');
    await s.page.getByLabel('Name of the new key').fill(payload);
    await s.page.getByRole('button', { name: 'Create key' }).click();
    await s.page.getByTestId('new-key-token').waitFor();
    const keyName = await s.page.locator('[data-testid="key-row"] .key-name').filter({ hasText: payload }).first()
      .textContent();
    const keysClean = await s.xssClean();
    await s.shot('xss-key');
    await s.nav('Approval', 'Node approval');
    const nodeName = await s.page.locator(`[data-testid="admin-node-row"][data-node-id="${nodeId}"] .node-name`)
      .textContent();
    const nodesClean = await s.xssClean();
    await s.shot('xss-node');
    return {
      keyName, nodeName, keysClean, nodesClean, images: await s.page.locator('main img').count(),
      xss: await s.page.evaluate(() => String(window.__xss)),
    };
  },

  /** The operator's earnings (a chart with today's bar) and alert webhooks (saved, kept, a bad URL refused). */
  async operatorPages(s, { nodeKey, slack, badUrl }) {
    await installSigner(s.context, readFileSync(nodeKey, 'utf8'));
    await s.open('/dashboard/signin');
    await s.page.getByRole('button', { name: 'Sign in with Nostr' }).click();
    await s.heading('My nodes');
    await s.nav('Earnings', 'Earnings');
    const chart = s.page.getByTestId('earnings-chart');
    await chart.waitFor();
    const bars = await chart.locator('rect.bar').evaluateAll((rs) => rs.map((r) => ({
      value: Number(r.dataset.value), height: Number(r.getAttribute('height')),
      title: r.querySelector('title').textContent,
    })));
    const unclaimed = await s.page.getByTestId('unclaimed').innerText();
    const caption = await s.page.locator('#earnings-chart figcaption').innerText();
    await s.shot('earnings');
    await s.nav('Alerts', 'Alerts');
    const field = s.page.getByLabel('Slack incoming webhook URL');
    await field.fill(slack);
    await s.page.getByRole('button', { name: 'Save' }).click();
    const saved = await s.statusMatches(/saved|Could not/);
    await s.page.reload();
    await s.page.waitForSelector('html[data-ready="true"]');
    await s.page.waitForFunction(() => document.getElementById('webhook-slack')?.value !== '');
    const kept = await field.inputValue();
    await s.page.getByLabel('Discord webhook URL').fill(badUrl);
    await s.page.getByRole('button', { name: 'Save' }).click();
    const refused = await s.statusMatches(/Could not save/);
    await s.shot('webhooks');
    return { bars, unclaimed, caption, saved, kept, refused };
  },

  /** The operator's page shows the node go offline when its process dies, live, without a reload. */
  async nodeOffline(s, { nodeKey, nodeId }) {
    await installSigner(s.context, readFileSync(nodeKey, 'utf8'));
    await s.open('/dashboard/signin');
    await s.page.getByRole('button', { name: 'Sign in with Nostr' }).click();
    await s.heading('My nodes');
    const card = s.page.locator(`[data-testid="node-card"][data-node-id="${nodeId}"]`);
    await card.locator('[data-testid="node-online"][data-online="true"]').waitFor();
    await s.page.locator('#live-state[data-state="live"]').waitFor();
    await s.page.evaluate(() => { window.__sameDocument = true; });
    const before = await navigations(s);
    await s.shot('node-online');
    await ask('kill-node');
    await card.locator('[data-testid="node-online"][data-online="false"]').waitFor({ timeout: 90_000 });
    await s.shot('node-offline');
    return {
      badge: await card.getByTestId('node-online').innerText(),
      sameDocument: await s.page.evaluate(() => window.__sameDocument === true),
      navigationsBefore: before, navigationsAfter: await navigations(s), status: await s.status(),
    };
  },

  /** The pages load and draw without a script error or a CSP refusal (also before the API is there). */
  async smoke(s) {
    await s.open('/dashboard/');
    await s.heading('Sign in');
    await s.shot('smoke-sign-in');
    await s.open('/dashboard/signup');
    await s.heading('Create an account');
    await s.page.setViewportSize({ width: 390, height: 844 });
    await s.shot('smoke-sign-up-phone');
    return { url: s.page.url(), title: await s.page.title() };
  },
};

async function navigations(s) {
  return s.page.evaluate(() => performance.getEntriesByType('navigation').length);
}

async function main() {
  const scenario = scenarios[cfg.scenario];
  check(scenario, `no scenario ${cfg.scenario}`);
  mkdirSync(cfg.screenshots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'infernet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: cfg.chromium ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? await context.newPage();
  const s = new Session(context, page);
  try {
    const result = await scenario(s, cfg.params ?? {});
    check(s.problems.length === 0, `the page reported: ${s.problems.join('; ')}`);
    result.problems = s.problems;
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } catch (e) {
    await page.screenshot({ path: join(cfg.screenshots, `${cfg.scenario}-failed.png`), fullPage: true })
      .catch(() => {});
    const status = await page.locator('#status').innerText().catch(() => '');
    process.stderr.write(`scenario ${cfg.scenario} failed at ${page.url()}: ${e.stack}\nstatus region: ${status}\n`
      + `page problems: ${s.problems.join('; ')}\n`);
    process.exitCode = 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    lines.close();
  }
}

main();
