// Client pages: models, playground, API keys, usage, recent jobs, escrow.
import { get, post, del, seg, headers, errorOf } from '../api.js';
import { h, field, table, row, time, num, clear } from '../dom.js';
import { events } from '../sse.js';

function section(title, ...children) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** Runs a load into a container: "Loading…", then what draw returns, or the error. */
async function load(container, what, f, ctx) {
  container.setAttribute('aria-busy', 'true');
  clear(container).append(h('p', { class: 'loading' }, `Loading ${what}…`));
  try {
    const content = await f();
    if (ctx.signal.aborted) {
      return;
    }
    clear(container).append(content);
    container.dataset.loaded = 'true'; // the page's first data is drawn (the load benchmark waits for this)
  } catch (e) {
    clear(container).append(h('p', { class: 'error' }, `Could not load ${what}: ${e.message}`));
    ctx.fail(`Could not load ${what}`, e);
  } finally {
    container.removeAttribute('aria-busy');
  }
}

export function models(main, ctx) {
  const list = h('div', { id: 'models' });
  main.append(h('p', {}, 'The models the network serves now, with the nodes online for each.'), list);
  load(list, 'the models', async () => {
    const { models: ms } = await get('/api/v1/models');
    return table({
      testid: 'models-table', caption: 'Models',
      headers: ['Model', 'Online nodes', 'Tokens/s (average)', 'Price per 1k tokens (USDC)', ''],
      empty: 'No model is served right now: no node is online.',
      rows: ms.map((m) => row([
        h('span', { class: 'model-id' }, m.id), num(m.nodes), num(m.avg_tokens_per_second, 1),
        m.price_per_1k_usdc ?? '—',
        h('a', { href: `/dashboard/playground?model=${encodeURIComponent(m.id)}` }, 'Try'),
      ], { 'data-model': m.id })),
    });
  }, ctx);
}

export function playground(main, ctx) {
  const model = h('select', { id: 'playground-model', name: 'model', required: true });
  const prompt = h('textarea', { id: 'playground-prompt', name: 'prompt', rows: 4, required: true },);
  const maxTokens = h('input', {
    id: 'playground-max-tokens', name: 'max_tokens', type: 'number', min: 1, max: 4096, value: '64',
  });
  const run = h('button', { type: 'submit', id: 'playground-run' }, 'Run');
  const stop = h('button', { type: 'button', id: 'playground-stop', class: 'secondary', disabled: true }, 'Stop');
  const output = h('pre', { id: 'playground-output', class: 'output', 'data-testid': 'playground-output' });
  const state = h('p', { id: 'playground-state', 'data-state': 'idle', class: 'muted' }, 'Ready.');
  const form = h('form', { id: 'playground-form', class: 'card' },
    field('Model', model), field('Prompt', prompt), field('Most tokens to generate', maxTokens),
    h('div', { class: 'actions' }, run, stop));
  main.append(form,
    section('Output', output, state));
  const wanted = new URLSearchParams(window.location.search).get('model');
  get('/api/v1/models').then(({ models: ms }) => {
    clear(model);
    if (ms.length === 0) {
      model.append(h('option', { value: '' }, 'No model is online'));
    }
    for (const m of ms) {
      model.append(h('option', { value: m.id, selected: m.id === wanted }, m.id));
    }
  }).catch((e) => ctx.fail('Could not load the models', e));

  let controller = null;
  ctx.signal.addEventListener('abort', () => controller?.abort());
  stop.addEventListener('click', () => controller?.abort());
  const setState = (s, text) => {
    state.dataset.state = s;
    state.textContent = text;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!model.value) {
      ctx.announce('Choose a model first.', 'error');
      return;
    }
    controller = new AbortController();
    run.disabled = true;
    stop.disabled = false;
    clear(output);
    setState('waiting', 'Waiting for the first token…');
    ctx.announce('Running the prompt…');
    const started = performance.now();
    let first = 0;
    let chunks = 0;
    try {
      const body = {
        model: model.value, stream: true, max_tokens: Number(maxTokens.value) || 64,
        messages: [{ role: 'user', content: prompt.value }],
      };
      const response = await fetch('/v1/chat/completions', {
        method: 'POST', headers: headers('POST', true), body: JSON.stringify(body), credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!response.ok) {
        throw await errorOf(response);
      }
      let finished = false;
      for await (const ev of events(response.body)) {
        if (ev.data === '[DONE]') {
          finished = true;
          break;
        }
        const chunk = JSON.parse(ev.data);
        if (chunk.error) {
          throw new Error(chunk.error.message ?? chunk.error);
        }
        const text = chunk.choices?.[0]?.delta?.content;
        if (text) {
          if (chunks === 0) {
            first = performance.now();
          }
          chunks += 1;
          output.append(document.createTextNode(text));
          setState('streaming', `Streaming: ${chunks} tokens…`);
        }
      }
      if (!finished) {
        throw new Error('the stream ended before [DONE]');
      }
      const secs = (performance.now() - (first || started)) / 1000;
      const rate = chunks > 1 && secs > 0 ? ` (${(chunks / secs).toFixed(1)} tokens/s)` : '';
      setState('done', `Done: ${chunks} tokens, first after ${Math.round((first || performance.now()) - started)} ms${rate}.`);
      ctx.announce('The answer is complete.', 'ok');
    } catch (e) {
      if (e.name === 'AbortError') {
        setState('stopped', `Stopped after ${chunks} tokens.`);
        ctx.announce('Stopped.');
      } else {
        setState('error', `Failed: ${e.message}`);
        ctx.fail('The prompt failed', e);
      }
    } finally {
      run.disabled = false;
      stop.disabled = true;
      controller = null;
    }
  });
}

export function keys(main, ctx) {
  const name = h('input', { id: 'key-name', name: 'name', required: true, maxlength: 100, autocomplete: 'off' });
  const created = h('div', { id: 'key-created', 'aria-live': 'polite' });
  const form = h('form', { id: 'key-form', class: 'card' },
    field('Name of the new key', name, 'For example the application that will use it.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'key-create' }, 'Create key')));
  const list = h('div', { id: 'keys' });
  main.append(form, created, section('Your keys', list));
  const refresh = () => load(list, 'the keys', async () => {
    const { keys: ks } = await get('/api/v1/account/keys');
    return table({
      testid: 'keys-table', caption: 'API keys', headers: ['Name', 'Id', 'Created', 'Status', ''],
      empty: 'No key yet.',
      rows: ks.map((k) => row([
        h('span', { class: 'key-name' }, k.name), h('code', {}, k.id), time(k.created_at),
        k.revoked_at ? h('span', { class: 'badge bad' }, 'revoked') : h('span', { class: 'badge ok' }, 'active'),
        k.revoked_at ? '' : revokeButton(k),
      ], { 'data-key-id': k.id, 'data-testid': 'key-row' })),
    });
  }, ctx);
  // Revoking takes two presses: the first arms the button, the second revokes; leaving it disarms.
  const revokeButton = (k) => {
    const b = h('button', { type: 'button', class: 'danger small', 'data-testid': 'revoke-key' }, 'Revoke');
    b.setAttribute('aria-label', `Revoke key ${k.name}`);
    b.addEventListener('blur', () => {
      delete b.dataset.armed;
      b.textContent = 'Revoke';
    });
    b.addEventListener('click', async () => {
      if (!b.dataset.armed) {
        b.dataset.armed = 'true';
        b.textContent = 'Confirm revoke';
        ctx.announce(`Press again to revoke ${k.name}; applications using it stop working.`);
        return;
      }
      try {
        b.disabled = true;
        await del(`/api/v1/account/keys/${seg(k.id)}`);
        ctx.announce(`Key ${k.name} revoked.`, 'ok');
        refresh();
      } catch (e) {
        b.disabled = false;
        ctx.fail('Could not revoke the key', e);
      }
    });
    return b;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const k = await post('/api/v1/account/keys', { name: name.value.trim() });
      const token = h('code', { id: 'new-key-token', 'data-testid': 'new-key-token' }, k.token);
      const copy = h('button', { type: 'button', class: 'secondary small' }, 'Copy');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(k.token);
          ctx.announce('Copied.');
        } catch {
          ctx.announce('Copying is not allowed here: select the key and copy it.', 'error');
        }
      });
      clear(created).append(h('div', { class: 'card notice', role: 'group', 'aria-label': 'New key' },
        h('p', {}, 'Your new key ', h('strong', {}, k.name), '. It is shown this once: store it now.'),
        h('p', { class: 'secret' }, token, ' ', copy)));
      name.value = '';
      ctx.announce(`Key ${k.name} created. Copy it now: it is not shown again.`, 'ok');
      refresh();
    } catch (e) {
      ctx.fail('Could not create the key', e);
    }
  });
  refresh();
}

export function usage(main, ctx) {
  const days = h('select', { id: 'usage-days', name: 'days' },
    [7, 30, 90, 366].map((d) => h('option', { value: String(d), selected: d === 30 }, `Last ${d} days`)));
  const list = h('div', { id: 'usage' });
  main.append(h('div', { class: 'toolbar' }, field('Period', days)), list);
  const refresh = () => load(list, 'the usage', async () => {
    const [{ usage: us }, { keys: ks }] = await Promise.all([
      get(`/api/v1/account/usage?days=${seg(days.value)}`), get('/api/v1/account/keys')]);
    const names = new Map(ks.map((k) => [k.id, k.name]));
    const total = us.reduce((t, u) => ({
      jobs: t.jobs + Number(u.jobs || 0), prompt: t.prompt + Number(u.prompt_tokens || 0),
      completion: t.completion + Number(u.completion_tokens || 0), cost: t.cost + Number(u.cost_usdc || 0),
    }), { jobs: 0, prompt: 0, completion: 0, cost: 0 });
    const rows = us.map((u) => row([
      u.day, u.key_id ? (names.get(u.key_id) ?? u.key_id) : 'signed-in session', num(u.jobs),
      num(u.prompt_tokens), num(u.completion_tokens), u.cost_usdc ?? '—',
    ], { 'data-testid': 'usage-row' }));
    if (rows.length > 0) {
      rows.push(h('tr', { class: 'total' }, h('th', { scope: 'row', colspan: 2 }, 'Total'),
        h('td', {}, num(total.jobs)), h('td', {}, num(total.prompt)), h('td', {}, num(total.completion)),
        h('td', {}, total.cost.toFixed(6))));
    }
    return table({
      testid: 'usage-table', caption: 'Usage per key per day',
      headers: ['Day', 'Key', 'Jobs', 'Prompt tokens', 'Completion tokens', 'Cost (USDC)'],
      rows, empty: 'No usage in this period.',
    });
  }, ctx);
  days.addEventListener('change', refresh);
  refresh();
}

export function jobs(main, ctx) {
  const list = h('div', { id: 'jobs' });
  main.append(h('p', {}, 'The latest jobs sent with your keys or from the playground, newest first.'), list);
  load(list, 'the jobs', async () => jobsTable(await get('/api/v1/account/jobs?limit=50')), ctx);
}

/** The jobs answer as a table (also on the operator's earnings page). */
export function jobsTable({ jobs: js }) {
  return table({
    testid: 'jobs-table', caption: 'Recent jobs',
    headers: ['Job', 'Model', 'Status', 'Node', 'Created', 'Completed', 'Prompt tokens', 'Completion tokens'],
    empty: 'No job yet.',
    rows: js.map((j) => row([
      h('code', {}, j.id), j.model, h('span', { class: `badge ${j.status}` }, j.status), j.node_id ?? '—',
      time(j.created_at), time(j.completed_at), num(j.prompt_tokens), num(j.completion_tokens),
    ], { 'data-job-id': j.id })),
  });
}

export function escrow(main, ctx) {
  const box = h('div', { id: 'escrow' });
  main.append(box);
  load(box, 'the escrow', async () => {
    const e = await get('/api/v1/escrow');
    if (e.settlement !== 'on') {
      return h('div', { class: 'card', 'data-testid': 'escrow-off' },
        h('p', {}, 'Settlement is off on this network: jobs are admitted without escrow, and nothing is charged.'),
        h('dl', {}, h('dt', {}, 'Account'), h('dd', {}, h('code', {}, e.account ?? '—'))));
    }
    const dl = h('dl', { class: 'facts', 'data-testid': 'escrow-balance' });
    const fact = (k, v) => dl.append(h('dt', {}, k), h('dd', {}, v));
    fact('Escrow', `${e.escrow_usdc ?? '—'} USDC`);
    fact('Held by running jobs', `${e.held_usdc ?? '—'} USDC`);
    fact('Available', `${e.available_usdc ?? '—'} USDC`);
    fact('Minimum per job', `${e.minimum_usdc ?? '—'} USDC`);
    fact('Chain', `${e.chain ?? '—'}${e.chain_id ? ` (chain id ${e.chain_id})` : ''}`);
    return h('div', {},
      section('Balance', dl),
      section('How to deposit',
        h('ol', { class: 'steps', 'data-testid': 'deposit-instructions' },
          h('li', {}, 'On ', h('strong', {}, e.chain ?? 'the chain'), ', approve the payment contract ',
            h('code', {}, e.contract ?? '—'), ' to spend your USDC.'),
          h('li', {}, 'Call ', h('code', {}, 'deposit(bytes32 client, uint256 amount)'), ' on that contract with ',
            h('code', {}, 'client = keccak256(utf8("'), h('code', {}, e.account ?? ''), h('code', {}, '"))'),
            ' and the amount in USDC units (6 decimals).'),
          h('li', {}, 'The deposit counts for the next job at once: a refused job re-reads the chain.'))));
  }, ctx);
}
