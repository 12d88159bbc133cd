// Operator pages: nodes with live status (SSE), model commands, earnings with a chart, alert webhooks.
import { get, post, put, seg } from '../api.js';
import { h, field, table, row, time, num, clear } from '../dom.js';
import { barChart } from '../chart.js';
import { jobsTable } from './client.js';

const ACTIVE = new Set(['queued', 'running']);
const POLL_MS = 1500;

/** "2 / 4" from a load that is a number or {active_jobs, max_jobs}. */
function loadText(load, capacity) {
  if (load && typeof load === 'object') {
    return `${num(load.active_jobs ?? load.load)} / ${num(load.max_jobs ?? load.capacity ?? capacity)}`;
  }
  if (load === null || load === undefined) {
    return '—';
  }
  return capacity === null || capacity === undefined ? num(load) : `${num(load)} / ${num(capacity)}`;
}

function gpuText(gpu) {
  if (!gpu) {
    return '—';
  }
  if (typeof gpu === 'string') {
    return gpu;
  }
  if (Array.isArray(gpu)) {
    return gpu.length === 0 ? 'none' : gpu.map(gpuText).join(', ');
  }
  const name = gpu.name ?? gpu.model ?? 'GPU';
  const mem = gpu.memory_total_mb ?? gpu.vram_mb ?? gpu.memory_mb;
  const util = gpu.utilization ?? gpu.util ?? gpu.load;
  return `${name}${mem ? `, ${num(mem)} MB` : ''}${util !== undefined ? `, ${num(util)} % busy` : ''}`;
}

function progressText(p) {
  if (!p || typeof p !== 'object') {
    return '';
  }
  if (p.percent !== undefined) {
    return `${num(p.percent, 0)} %`;
  }
  if (p.completed !== undefined && p.total) {
    return `${Math.round((Number(p.completed) / Number(p.total)) * 100)} %`;
  }
  return Object.entries(p).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

/** One node's card; update() applies a live event or a fresh listing to it in place. */
function nodeCard(node, ctx) {
  const online = h('span', { class: 'badge', 'data-testid': 'node-online' });
  const approval = h('span', { class: 'badge', 'data-testid': 'node-approval' });
  const load = h('dd', { 'data-testid': 'node-load' });
  const gpu = h('dd', {});
  const engine = h('dd', {});
  const speed = h('dd', {});
  const lane = h('dd', {});
  const reputation = h('dd', {});
  const lastSeen = h('dd', {});
  const models = h('ul', { class: 'models', 'data-testid': 'node-models' });
  const commands = h('div', { 'data-testid': 'node-commands' });
  const modelInput = h('input', { name: 'model', required: true, autocomplete: 'off', 'data-testid': 'install-model' });
  const install = h('form', { class: 'inline-form', 'data-testid': 'install-form' },
    field(`Model to install on ${node.name}`, modelInput),
    h('button', { type: 'submit', 'data-testid': 'install-button' }, 'Install'));
  const name = h('h2', {}, node.name ?? node.id);
  const card = h('article', { class: 'card node', 'data-testid': 'node-card', 'data-node-id': node.id },
    h('header', { class: 'node-head' }, name, online, approval),
    h('p', { class: 'muted' }, h('code', {}, node.id)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Load (jobs / slots)'), load, h('dt', {}, 'GPU'), gpu, h('dt', {}, 'Engine'), engine,
      h('dt', {}, 'Tokens/s'), speed, h('dt', {}, 'Lane'), lane,
      h('dt', {}, 'Reputation'), reputation, h('dt', {}, 'Last seen'), lastSeen),
    h('h3', {}, 'Models'), models, install, h('h3', {}, 'Commands'), commands);
  let state = { ...node };
  let polling = null;

  const command = async (type, model) => {
    try {
      const c = await post(`/api/v1/account/nodes/${seg(node.id)}/commands`, { type, model });
      ctx.announce(`${type === 'model_install' ? 'Install' : 'Removal'} of ${model} queued (${c.status}).`, 'ok');
      refreshCommands();
    } catch (e) {
      ctx.fail('The command was refused', e);
    }
  };

  function update(change) {
    state = { ...state, ...change };
    const isOnline = Boolean(state.online);
    online.textContent = isOnline ? 'online' : 'offline';
    online.dataset.online = String(isOnline);
    online.className = `badge ${isOnline ? 'ok' : 'bad'}`;
    approval.textContent = state.approval ?? 'unknown';
    approval.dataset.approval = state.approval ?? '';
    approval.className = `badge ${state.approval === 'approved' ? 'neutral' : 'warn'}`;
    approval.hidden = state.approval === 'approved';
    load.textContent = loadText(state.load, state.capacity);
    gpu.textContent = `${gpuText(state.gpu)}${state.vram_tier ? ` (${state.vram_tier})` : ''}`;
    engine.textContent = state.backend ?? '—';
    speed.textContent = num(state.tokens_per_second, 1);
    lane.textContent = state.lane ?? '—';
    reputation.textContent = state.reputation === null || state.reputation === undefined ? '—'
      : num(typeof state.reputation === 'object' ? state.reputation.weight ?? state.reputation.score
        : state.reputation, 2);
    clear(lastSeen).append(time(state.last_seen));
    if (change.models) {
      clear(models);
      if (state.models.length === 0) {
        models.append(h('li', { class: 'muted' }, 'none'));
      }
      for (const m of state.models) {
        const id = typeof m === 'string' ? m : m.id ?? m.name;
        const remove = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'remove-model' }, 'Remove');
        remove.setAttribute('aria-label', `Remove ${id} from ${node.name}`);
        remove.addEventListener('click', () => command('model_remove', id));
        models.append(h('li', { 'data-model': id }, h('span', { class: 'model-id' }, id), ' ', remove));
      }
    }
  }

  async function refreshCommands() {
    clearTimeout(polling);
    if (ctx.signal.aborted) {
      return;
    }
    try {
      const { commands: cs } = await get(`/api/v1/account/nodes/${seg(node.id)}/commands`);
      if (ctx.signal.aborted) {
        return;
      }
      clear(commands).append(table({
        testid: 'commands-table', headers: ['Command', 'Model', 'Status', 'Progress', 'Issued'],
        empty: 'No command yet.',
        rows: cs.map((c) => row([
          c.type === 'model_install' ? 'install' : c.type === 'model_remove' ? 'remove' : c.type, c.model,
          h('span', { class: `badge ${c.status}`, 'data-testid': 'command-status', 'data-status': c.status },
            c.status),
          c.error ? h('span', { class: 'error' }, c.error) : progressText(c.progress), time(c.issued_at),
        ], { 'data-command-id': c.id, 'data-testid': 'command-row' })),
      }));
      if (cs.some((c) => ACTIVE.has(c.status))) {
        polling = setTimeout(refreshCommands, POLL_MS);
      }
    } catch (e) {
      ctx.fail(`Could not read the commands of ${node.name}`, e);
    }
  }

  install.addEventListener('submit', (event) => {
    event.preventDefault();
    const model = modelInput.value.trim();
    if (model) {
      command('model_install', model).then(() => { modelInput.value = ''; });
    }
  });
  ctx.signal.addEventListener('abort', () => clearTimeout(polling));
  update({ ...node, models: node.models ?? [] });
  refreshCommands();
  return { card, update };
}

export function nodes(main, ctx) {
  const live = h('p', { id: 'live-state', class: 'muted', 'data-state': 'connecting' }, 'Connecting to live updates…');
  const list = h('div', { id: 'nodes', class: 'cards' });
  main.append(live, list);
  const cards = new Map();
  let reloading = null;

  async function reload() {
    try {
      const { nodes: ns } = await get('/api/v1/account/nodes');
      if (ctx.signal.aborted) {
        return;
      }
      const seen = new Set();
      for (const n of ns) {
        seen.add(n.id);
        if (cards.has(n.id)) {
          cards.get(n.id).update(n);
        } else {
          const c = nodeCard(n, ctx);
          cards.set(n.id, c);
          list.append(c.card);
        }
      }
      for (const [id, c] of cards) {
        if (!seen.has(id)) {
          c.card.remove();
          cards.delete(id);
        }
      }
      list.querySelector('.empty')?.remove();
      if (cards.size === 0) {
        list.append(h('p', { class: 'empty', 'data-testid': 'no-nodes' },
          'No node runs with your key yet. Start one with "infernet start" on a machine with a GPU; it shows up '
          + 'here as soon as it connects.'));
      }
    } catch (e) {
      ctx.fail('Could not load your nodes', e);
    }
  }

  // Live status: the control plane sends an event when one of the account's nodes connects, disconnects or is
  // approved; the card changes in place. A node not on the page yet means a new node: the list is read again.
  const source = new EventSource('/api/v1/account/events');
  ctx.signal.addEventListener('abort', () => source.close());
  let opened = false;
  source.addEventListener('open', () => {
    live.dataset.state = 'live';
    live.textContent = 'Live: changes show as they happen.';
    if (opened) {
      reload(); // whatever changed while the stream was down
    }
    opened = true;
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      live.dataset.state = 'closed';
      live.textContent = 'Live updates stopped; reload the page to resume them.';
    } else {
      live.dataset.state = 'reconnecting';
      live.textContent = 'Live updates interrupted; reconnecting…';
    }
  });
  source.addEventListener('node', (event) => {
    let change;
    try {
      change = JSON.parse(event.data);
    } catch {
      return;
    }
    const c = cards.get(change.id);
    if (c) {
      const { id, ...rest } = change;
      c.update(rest);
      if ('online' in rest) {
        ctx.announce(`Node ${c.card.querySelector('h2').textContent} is ${rest.online ? 'online' : 'offline'}.`);
      }
    } else {
      clearTimeout(reloading);
      reloading = setTimeout(reload, 200);
    }
  });
  ctx.signal.addEventListener('abort', () => clearTimeout(reloading));
  reload();
}

/** One entry per day of the period, oldest first, today (UTC) last; days without earnings are zero. */
function everyDay(count, days) {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const out = [];
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  for (let i = count - 1; i >= 0; i -= 1) {
    const day = new Date(today - i * 86_400_000).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, earned_usdc: '0.000000', jobs: 0 });
  }
  return out;
}

export function earnings(main, ctx) {
  const days = h('select', { id: 'earnings-days', name: 'days' },
    [7, 30, 90].map((d) => h('option', { value: String(d), selected: d === 30 }, `Last ${d} days`)));
  const summary = h('div', { id: 'earnings-summary' });
  const chart = h('div', { id: 'earnings-chart' });
  const recent = h('div', { id: 'recent-jobs' });
  main.append(h('div', { class: 'toolbar' }, field('Period', days)), summary, chart,
    h('section', { class: 'card', 'aria-labelledby': 'recent-title' }, h('h2', { id: 'recent-title' }, 'Recent jobs'),
      recent));
  const refresh = async () => {
    chart.setAttribute('aria-busy', 'true');
    try {
      const e = await get(`/api/v1/account/earnings?days=${seg(days.value)}`);
      if (ctx.signal.aborted) {
        return;
      }
      clear(summary).append(h('dl', { class: 'facts big', 'data-testid': 'earnings-summary' },
        h('dt', {}, 'Unclaimed'), h('dd', { 'data-testid': 'unclaimed' }, `${e.unclaimed_usdc ?? '0'} USDC`),
        h('dt', {}, 'Paid out'), h('dd', { 'data-testid': 'paid-out' }, `${e.paid_out_usdc ?? '0'} USDC`)));
      const points = everyDay(Number(days.value), e.days ?? []).map((d) => ({
        label: d.day, value: Number(d.earned_usdc) || 0,
        title: `${d.day}: ${d.earned_usdc} USDC from ${d.jobs} jobs`,
      }));
      const total = points.reduce((t, p) => t + p.value, 0);
      clear(chart);
      if (total === 0) {
        chart.append(h('p', { class: 'empty', 'data-testid': 'no-earnings' }, 'No earnings in this period.'));
      } else {
        chart.append(barChart({
          points, testid: 'earnings-chart', format: (v) => `${Number(v).toFixed(4)}`,
          caption: `USDC earned per day, ${points[0].label} to ${points[points.length - 1].label}: `
            + `${total.toFixed(6)} USDC in total.`,
        }), h('details', {}, h('summary', {}, 'The same as a table'), table({
          caption: 'Earnings per day', headers: ['Day', 'Earned (USDC)', 'Jobs'],
          rows: [...(e.days ?? [])].sort((a, b) => a.day.localeCompare(b.day))
            .map((d) => row([d.day, d.earned_usdc, num(d.jobs)])),
        })));
      }
    } catch (err) {
      ctx.fail('Could not load the earnings', err);
    } finally {
      chart.removeAttribute('aria-busy');
    }
  };
  days.addEventListener('change', refresh);
  refresh();
  get('/api/v1/account/nodes/jobs?limit=20').then((j) => {
    if (!ctx.signal.aborted) {
      clear(recent).append(jobsTable(j));
    }
  }).catch((e) => ctx.fail('Could not load the recent jobs', e));
}

export function webhooks(main, ctx) {
  const slack = h('input', { id: 'webhook-slack', name: 'slack_url', type: 'url', autocomplete: 'off',
    placeholder: 'https://hooks.slack.com/services/…' });
  const discord = h('input', { id: 'webhook-discord', name: 'discord_url', type: 'url', autocomplete: 'off',
    placeholder: 'https://discord.com/api/webhooks/…' });
  const form = h('form', { id: 'webhooks-form', class: 'card' },
    h('p', {}, 'Get a message when one of your nodes goes offline or comes back. Leave a field empty for none.'),
    field('Slack incoming webhook URL', slack), field('Discord webhook URL', discord),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'webhooks-save' }, 'Save')));
  main.append(form);
  get('/api/v1/account/webhooks').then((w) => {
    slack.value = w.slack_url ?? '';
    discord.value = w.discord_url ?? '';
  }).catch((e) => ctx.fail('Could not load the webhooks', e));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const w = await put('/api/v1/account/webhooks', {
        slack_url: slack.value.trim() || null, discord_url: discord.value.trim() || null,
      });
      slack.value = w.slack_url ?? '';
      discord.value = w.discord_url ?? '';
      ctx.announce('Alert webhooks saved.', 'ok');
    } catch (e) {
      ctx.fail('Could not save the webhooks', e);
    }
  });
}
