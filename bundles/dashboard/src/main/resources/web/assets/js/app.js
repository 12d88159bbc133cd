// The dashboard's shell: session, routes (history API under /dashboard/), navigation by role, the status region.
import { get, post, session, signedIn, signedOut, onSessionLost } from './api.js';
import { h, clear, pageHeading } from './dom.js';
import * as auth from './pages/auth.js';
import * as client from './pages/client.js';
import * as operator from './pages/operator.js';
import * as admin from './pages/admin.js';

export const BASE = '/dashboard/';
const ALL = ['client', 'operator', 'admin'];
const OPERATORS = ['operator', 'admin'];

/** Every page: its path under /dashboard/, title, who may see it, and what draws it. */
const ROUTES = [
  { path: 'signin', title: 'Sign in', public: true, render: auth.signIn },
  { path: 'signup', title: 'Create an account', public: true, render: auth.signUp },
  { path: 'models', title: 'Models', roles: ALL, nav: 'Models', render: client.models },
  { path: 'playground', title: 'Playground', roles: ALL, nav: 'Playground', render: client.playground },
  { path: 'keys', title: 'API keys', roles: ALL, nav: 'API keys', render: client.keys },
  { path: 'usage', title: 'Usage', roles: ALL, nav: 'Usage', render: client.usage },
  { path: 'jobs', title: 'Recent jobs', roles: ALL, nav: 'Jobs', render: client.jobs },
  { path: 'escrow', title: 'Escrow', roles: ALL, nav: 'Escrow', render: client.escrow },
  { path: 'nodes', title: 'My nodes', roles: OPERATORS, nav: 'Nodes', render: operator.nodes },
  { path: 'earnings', title: 'Earnings', roles: OPERATORS, nav: 'Earnings', render: operator.earnings },
  { path: 'webhooks', title: 'Alerts', roles: OPERATORS, nav: 'Alerts', render: operator.webhooks },
  { path: 'admin', title: 'Node approval', roles: ['admin'], nav: 'Approval', render: admin.nodes },
  { path: 'admin/accounts', title: 'Accounts', roles: ['admin'], nav: 'Accounts', render: admin.accounts },
];

const HOME = { client: 'models', operator: 'nodes', admin: 'admin' };

/** The current page's clean-up (closes its event stream, stops its polling). */
let leave = new AbortController();
let afterSignIn = null;
let firstRender = true;

const statusEl = () => document.getElementById('status');

/** Says something in the live region (read out by screen readers), e.g. "Key created". */
export function announce(message, kind = 'info') {
  const el = statusEl();
  el.dataset.kind = kind;
  el.textContent = message;
}

export function clearStatus() {
  const el = statusEl();
  el.textContent = '';
  delete el.dataset.kind;
}

/** Reports a failed call in the status region. */
export function fail(prefix, error) {
  const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : '';
  announce(`${prefix}: ${error.message}${wait}`, 'error');
}

function currentPath() {
  let p = window.location.pathname;
  if (p === '/dashboard') {
    return '';
  }
  p = p.startsWith(BASE) ? p.slice(BASE.length) : '';
  return p.replace(/\/+$/, '');
}

/** Goes to a page of the dashboard (path under /dashboard/), adding it to the history. */
export function navigate(path, { replace = false } = {}) {
  const url = BASE + path;
  if (replace) {
    window.history.replaceState(null, '', url);
  } else if (window.location.pathname !== url) {
    window.history.pushState(null, '', url);
  }
  render();
}

function home() {
  return HOME[session.account?.role] ?? 'models';
}

function drawHeader(route) {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  clear(nav);
  if (!session.account) {
    nav.hidden = true;
    account.hidden = true;
    return;
  }
  const role = session.account.role;
  const list = h('ul', {});
  for (const r of ROUTES) {
    if (r.nav && r.roles.includes(role)) {
      const current = route && route.path === r.path;
      list.append(h('li', {}, h('a', {
        href: BASE + r.path, 'data-route': r.path, 'aria-current': current ? 'page' : undefined,
      }, r.nav)));
    }
  }
  nav.append(list);
  nav.hidden = false;
  const a = session.account;
  document.getElementById('account-name').textContent = a.email
    ?? (a.nostr_pubkey ? `nostr:${a.nostr_pubkey.slice(0, 8)}…` : a.id);
  document.getElementById('account-role').textContent = role;
  account.hidden = false;
}

function render() {
  leave.abort();
  leave = new AbortController();
  const path = currentPath();
  const main = document.getElementById('main');
  let route = ROUTES.find((r) => r.path === path);
  if (path === '' || path === 'index.html') {
    route = ROUTES.find((r) => r.path === (session.account ? home() : 'signin'));
    window.history.replaceState(null, '', BASE + route.path);
  }
  if (route && !route.public && !session.account) {
    afterSignIn = route.path;
    route = ROUTES.find((r) => r.path === 'signin');
    window.history.replaceState(null, '', BASE + 'signin');
  } else if (route && route.public && session.account) {
    route = ROUTES.find((r) => r.path === home());
    window.history.replaceState(null, '', BASE + route.path);
  }
  drawHeader(route);
  clear(main);
  if (!route) {
    document.title = 'Not found · Infernet';
    main.append(pageHeading('Page not found'),
      h('p', {}, 'There is no such page in the dashboard. ', h('a', { href: BASE }, 'Go to the start page.')));
  } else if (!route.public && !route.roles.includes(session.account.role)) {
    document.title = 'Not allowed · Infernet';
    main.append(pageHeading(route.title),
      h('p', { 'data-testid': 'forbidden' }, `This page is for ${route.roles.join(' and ')} accounts.`));
  } else {
    document.title = `${route.title} · Infernet`;
    const heading = pageHeading(route.title);
    main.append(heading);
    route.render(main, { signal: leave.signal, navigate, announce, fail, signedInAs });
  }
  if (!firstRender) {
    document.getElementById('page-title')?.focus();
  }
  firstRender = false;
}

/** After sign-in or sign-up: keeps the account and CSRF token, goes where the user was headed. */
function signedInAs(answer) {
  signedIn(answer);
  const next = afterSignIn;
  afterSignIn = null;
  navigate(next ?? home(), { replace: true });
}

async function signOut() {
  try {
    await post('/api/v1/auth/logout');
  } catch {
    // the session may be gone already; signed out either way
  }
  signedOut();
  navigate('signin');
  announce('Signed out.');
}

function linkClicks(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
      || event.altKey) {
    return;
  }
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.origin !== window.location.origin) {
    return;
  }
  if (a.pathname === '/dashboard' || a.pathname.startsWith(BASE)) {
    event.preventDefault();
    clearStatus();
    navigate(a.pathname === '/dashboard' ? '' : a.pathname.slice(BASE.length));
  }
}

async function start() {
  document.addEventListener('click', linkClicks);
  window.addEventListener('popstate', () => render());
  document.getElementById('signout').addEventListener('click', signOut);
  onSessionLost(() => {
    announce('Your session has ended. Sign in again.', 'error');
    afterSignIn = currentPath() || null;
    navigate('signin', { replace: true });
  });
  try {
    signedIn(await get('/api/v1/account'));
  } catch (e) {
    signedOut();
    if (e.status !== 401) {
      announce(`Could not reach the control plane: ${e.message}`, 'error');
    }
  }
  render();
  document.documentElement.dataset.ready = 'true';
}

start();
