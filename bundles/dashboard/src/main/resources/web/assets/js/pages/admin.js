// Admin pages: node approval and registration tokens; accounts and their roles.
import { get, post, seg } from '../api.js';
import { h, table, row, time, clear, shortKey } from '../dom.js';

const ROLES = ['client', 'operator', 'admin'];

/** The approval state of an admin listing's node: "approval", else from the older "status" field. */
function approvalOf(n) {
  if (n.approval) {
    return n.approval;
  }
  return n.status === 'pending_approval' ? 'pending' : n.status ?? 'unknown';
}

export function nodes(main, ctx) {
  const list = h('div', { id: 'admin-nodes' });
  const tokenOut = h('div', { id: 'registration-token-box', 'aria-live': 'polite' });
  const create = h('button', { type: 'button', id: 'registration-token-create' }, 'Create registration token');
  main.append(
    h('section', { class: 'card', 'aria-labelledby': 'nodes-title' },
      h('h2', { id: 'nodes-title' }, 'Nodes'),
      h('p', {}, 'With approval required, a new node waits here until it is approved.'), list),
    h('section', { class: 'card', 'aria-labelledby': 'reg-title' },
      h('h2', { id: 'reg-title' }, 'Registration tokens'),
      h('p', {}, 'A registration token lets one node in without waiting for approval; it works once.'),
      create, tokenOut));

  const act = async (n, action, button) => {
    button.disabled = true;
    try {
      await post(`/api/v1/admin/nodes/${seg(n.id)}/${action}`);
      ctx.announce(`Node ${n.name ?? n.id} ${action === 'approve' ? 'approved' : 'rejected'}.`, 'ok');
      refresh();
    } catch (e) {
      button.disabled = false;
      ctx.fail(`Could not ${action} the node`, e);
    }
  };
  const refresh = async () => {
    try {
      const { nodes: ns } = await get('/api/v1/admin/nodes');
      if (ctx.signal.aborted) {
        return;
      }
      const order = { pending: 0, rejected: 2 };
      ns.sort((a, b) => (order[approvalOf(a)] ?? 1) - (order[approvalOf(b)] ?? 1));
      clear(list).append(table({
        testid: 'admin-nodes-table', caption: 'Nodes, those waiting for approval first',
        headers: ['Name', 'Id', 'Operator', 'Approval', 'Models', ''],
        empty: 'No node has registered yet.',
        rows: ns.map((n) => {
          const approval = approvalOf(n);
          const actions = h('div', { class: 'row-actions' });
          if (approval === 'pending') {
            const approve = h('button', { type: 'button', class: 'small', 'data-testid': 'approve-node' }, 'Approve');
            approve.setAttribute('aria-label', `Approve node ${n.name ?? n.id}`);
            approve.addEventListener('click', () => act(n, 'approve', approve));
            const reject = h('button', { type: 'button', class: 'danger small', 'data-testid': 'reject-node' }, 'Reject');
            reject.setAttribute('aria-label', `Reject node ${n.name ?? n.id}`);
            reject.addEventListener('click', () => act(n, 'reject', reject));
            actions.append(approve, reject);
          }
          return row([
            h('span', { class: 'node-name' }, n.name ?? '—'), h('code', {}, n.id), shortKey(n.operator),
            h('span', { class: `badge ${approval}`, 'data-testid': 'node-approval', 'data-approval': approval },
              approval),
            (n.models ?? []).map((m) => (typeof m === 'string' ? m : m.id)).join(', ') || '—', actions,
          ], { 'data-node-id': n.id, 'data-testid': 'admin-node-row' });
        }),
      }));
    } catch (e) {
      ctx.fail('Could not load the nodes', e);
    }
  };
  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const { token } = await post('/api/v1/admin/registration-tokens');
      clear(tokenOut).append(h('div', { class: 'notice' },
        h('p', {}, 'Give this token to the node\'s operator. It is shown this once and works for one node.'),
        h('p', { class: 'secret' }, h('code', { 'data-testid': 'registration-token' }, token))));
      ctx.announce('Registration token created. Copy it now: it is not shown again.', 'ok');
    } catch (e) {
      ctx.fail('Could not create a registration token', e);
    } finally {
      create.disabled = false;
    }
  });
  refresh();
}

export function accounts(main, ctx) {
  const list = h('div', { id: 'admin-accounts' });
  main.append(list);
  const refresh = async () => {
    try {
      const { accounts: as } = await get('/api/v1/admin/accounts');
      if (ctx.signal.aborted) {
        return;
      }
      clear(list).append(table({
        testid: 'accounts-table', caption: 'Accounts', headers: ['Email', 'Nostr key', 'Id', 'Created', 'Role'],
        empty: 'No account yet.',
        rows: as.map((a) => {
          const who = a.email ?? a.nostr_pubkey ?? a.id;
          const select = h('select', { name: 'role', 'data-testid': 'role-select' },
            ROLES.map((r) => h('option', { value: r, selected: r === a.role }, r)));
          const change = h('button', { type: 'submit', class: 'small', 'data-testid': 'role-change' }, 'Change role');
          const form = h('form', { class: 'inline-form' },
            h('label', { class: 'field compact' }, h('span', { class: 'visually-hidden' }, `Role of ${who}`), select),
            change);
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            if (select.value === a.role) {
              ctx.announce(`${who} is already ${a.role}.`);
              return;
            }
            change.disabled = true;
            try {
              const updated = await post(`/api/v1/admin/accounts/${seg(a.id)}/role`, { role: select.value });
              a.role = updated.role ?? select.value;
              ctx.announce(`${who} is now ${a.role}.`, 'ok');
              refresh();
            } catch (e) {
              ctx.fail('Could not change the role', e);
            } finally {
              change.disabled = false;
            }
          });
          return row([a.email ?? '—', shortKey(a.nostr_pubkey), h('code', {}, a.id), time(a.created_at), form],
            { 'data-account-id': a.id, 'data-testid': 'account-row', 'data-role': a.role });
        }),
      }));
    } catch (e) {
      ctx.fail('Could not load the accounts', e);
    }
  };
  refresh();
}

