// DOM building without markup: every string that reaches the page becomes a text node or an attribute value,
// never HTML. This module is the only place that creates elements; nothing in the dashboard hands a string to an
// HTML parser (DashboardServletTest checks the sources for those calls).

const SVG_NS = 'http://www.w3.org/2000/svg';
const FORBIDDEN = new Set(['innerHTML', 'outerHTML', 'srcdoc']);

function setProps(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    const handler = /^on/i.test(key) && key !== 'open';
    if (FORBIDDEN.has(key) || handler !== (typeof value === 'function')) {
      throw new Error(`refusing to set ${key}`);
    }
    if (handler) {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'href' && !/^(\/|#|https?:)/.test(String(value))) {
      throw new Error(`refusing link ${value}`);
    } else if (key === 'value' || key === 'checked' || key === 'selected') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/** Appends children: nodes as they are, anything else as text. */
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h('button', {type: 'button', onclick: f}, 'Save') */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  return append(el, children);
}

/** An SVG element (the earnings chart). */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  return append(el, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A label wrapping its control: the label names the control without ids. */
export function field(labelText, control, hint) {
  const label = h('label', { class: 'field' }, h('span', { class: 'label-text' }, labelText), control);
  if (hint) {
    label.append(h('span', { class: 'hint' }, hint));
  }
  return label;
}

/** A table with a caption, headers and rows of cells (strings or nodes). */
export function table({ caption, headers, rows, testid, empty }) {
  if (rows.length === 0 && empty) {
    return h('p', { class: 'empty', 'data-testid': testid ? `${testid}-empty` : undefined }, empty);
  }
  return h('div', { class: 'table-wrap' },
    h('table', { 'data-testid': testid },
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows)));
}

export function row(cells, props) {
  return h('tr', props, cells.map((c) => h('td', {}, c)));
}

export function time(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return String(iso);
  }
  return h('time', { datetime: iso }, d.toLocaleString());
}

export function num(n, digits) {
  if (n === null || n === undefined || n === '') {
    return '—';
  }
  const v = Number(n);
  if (!Number.isFinite(v)) {
    return String(n);
  }
  return digits === undefined ? v.toLocaleString() : v.toLocaleString(undefined, {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
}

/** A long hex key, shortened for display; the full key is in the title. */
export function shortKey(hex) {
  if (!hex) {
    return '—';
  }
  const text = String(hex);
  return h('code', { title: text }, text.length > 16 ? `${text.slice(0, 8)}…${text.slice(-4)}` : text);
}

/** A heading that takes focus after navigation, so screen readers announce the new page. */
export function pageHeading(text) {
  return h('h1', { tabindex: '-1', id: 'page-title' }, text);
}
