// A bar chart in hand-written SVG: one bar per day, the largest value on the axis, the first and last day under
// it. Colours come from app.css (no inline style: the CSP allows style sheets from this origin only). The figure
// is an image to assistive technology, described by its caption; the same numbers are in a table beside it.
import { h, s } from './dom.js';

const W = 640;
const H = 220;
const PAD = { top: 16, right: 8, bottom: 28, left: 56 };

/**
 * @param points [{label, value, title}] in order
 * @param format a value as text (axis and summary)
 */
export function barChart({ points, caption, format, testid }) {
  const max = Math.max(0, ...points.map((p) => p.value));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const step = points.length > 0 ? innerW / points.length : innerW;
  const barW = Math.max(1, step * 0.8);
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': caption,
    preserveAspectRatio: 'xMidYMid meet', 'data-testid': testid,
  });
  svg.append(
    s('line', { class: 'axis', x1: PAD.left, y1: PAD.top + innerH, x2: W - PAD.right, y2: PAD.top + innerH }),
    s('line', { class: 'grid', x1: PAD.left, y1: PAD.top, x2: W - PAD.right, y2: PAD.top }),
    s('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + 4, 'text-anchor': 'end' }, format(max)),
    s('text', { class: 'tick', x: PAD.left - 6, y: PAD.top + innerH, 'text-anchor': 'end' }, format(0)));
  points.forEach((p, i) => {
    const height = max > 0 ? (p.value / max) * innerH : 0;
    const x = PAD.left + i * step + (step - barW) / 2;
    svg.append(s('rect', {
      class: 'bar', x: x.toFixed(2), y: (PAD.top + innerH - height).toFixed(2),
      width: barW.toFixed(2), height: height.toFixed(2), 'data-value': p.value,
    }, s('title', {}, p.title ?? `${p.label}: ${format(p.value)}`)));
  });
  if (points.length > 0) {
    const y = H - 8;
    svg.append(s('text', { class: 'tick', x: PAD.left, y, 'text-anchor': 'start' }, points[0].label));
    if (points.length > 1) {
      svg.append(s('text', { class: 'tick', x: W - PAD.right, y, 'text-anchor': 'end' },
        points[points.length - 1].label));
    }
  }
  return h('figure', { class: 'chart-figure' }, svg, h('figcaption', {}, caption));
}
