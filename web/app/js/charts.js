// Charts drawn as SVG, scaled with their container. Each is an image with a text summary for
// screen readers, followed by the same numbers as a (visually hidden) table.

import { formatDateTime, formatScore, h, s, scoreBand, titleCase } from './dom.js';

// The chart's numbers as a table for screen readers (in a hidden box: a table itself cannot
// be shrunk out of sight).
function dataTable(caption, headers, rows) {
    return h('div', { class: 'visually-hidden' }, h('table', {},
        h('caption', {}, caption),
        h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

// Scores (0–100) over time: points [{x: axis label, y: score, name: what the point is, when:
// its date and time}], oldest first. The axis names each point (several sessions on one day
// would all read "Dec 7"); the date and time are in each point's tooltip and in the table.
export function lineChart(points, { title = 'Score trend', axis = 'Interview' } = {}) {
    const W = 420;
    const H = 210;
    const pad = { l: 34, r: 12, t: 12, b: 40 };
    const iw = W - pad.l - pad.r;
    const ih = H - pad.t - pad.b;
    const x = (i) => pad.l + (points.length === 1 ? iw / 2 : (i * iw) / (points.length - 1));
    const y = (v) => pad.t + ih - (Math.max(0, Math.min(100, v)) / 100) * ih;
    const grid = [0, 25, 50, 75, 100].map((v) => s('g', { class: 'chart-grid' },
        s('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v) }),
        s('text', { x: pad.l - 8, y: y(v) + 4, 'text-anchor': 'end' }, String(v))));
    const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
    const area = points.length > 1
        ? `${path} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z` : '';
    const step = Math.max(1, Math.ceil(points.length / 6));
    const labels = points.map((p, i) => (i % step === 0 || i === points.length - 1
        ? s('text', { class: 'chart-axis', x: x(i), y: H - 22, 'text-anchor': 'middle' }, p.x) : null));
    const axisTitle = s('text', { class: 'chart-axis chart-axis-title', x: pad.l + iw / 2, y: H - 4, 'text-anchor': 'middle' }, axis);
    const first = points[0];
    const last = points[points.length - 1];
    const summary = points.length === 1
        ? `${title}: one completed interview, scored ${formatScore(first.y)} out of 100.`
        : `${title}: ${points.length} completed interviews, from ${formatScore(first.y)} to ${formatScore(last.y)} out of 100.`;
    return h('figure', { class: 'chart chart-line' },
        s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, preserveAspectRatio: 'xMidYMid meet' },
            grid,
            area ? s('path', { class: 'chart-area', d: area }) : null,
            s('path', { class: 'chart-stroke', d: path, fill: 'none' }),
            points.map((p, i) => s('circle', { class: `chart-dot dot-${scoreBand(p.y)}`, cx: x(i), cy: y(p.y), r: 4.5 },
                s('title', {}, `${p.name || p.x}, ${p.when}: ${formatScore(p.y)}/100`))),
            labels, axisTitle),
        dataTable(title, [axis, 'Completed', 'Score'], points.map((p) => [p.name || p.x, p.when, formatScore(p.y)])));
}

// Average score per category as horizontal bars: items [{label, value, count}]. A list, so
// that labels and numbers stay readable text at any width; each bar is a small SVG.
export function barChart(items, { title = 'Scores by category' } = {}) {
    return h('figure', { class: 'chart chart-bars' },
        h('figcaption', { class: 'visually-hidden' }, title),
        h('ul', { class: 'bars' }, items.map((it) => {
            const v = Math.max(0, Math.min(100, Number(it.value) || 0));
            const detail = it.count ? ` (${it.count} ${it.count === 1 ? 'answer' : 'answers'})` : '';
            return h('li', { class: 'bar-row' },
                h('span', { class: 'bar-label' }, titleCase(it.label)),
                s('svg', { class: 'bar-svg', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
                    s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10, rx: 3 }),
                    s('rect', { class: `bar bar-${scoreBand(it.value)}`, x: 0, y: 0, width: Math.max(1, v), height: 10, rx: 3 })),
                h('span', { class: 'bar-value' }, formatScore(it.value), h('span', { class: 'visually-hidden' }, ` out of 100${detail}`)));
        })));
}

// The dashboard's score_trend (docs/api.md §6: the last completed sessions, oldest first) as
// chart points, numbered by their place among all `completed` interviews, so that the newest
// is "Interview 23" when 23 are completed even though the chart shows only the last 20.
export function trendPoints(trend, completed = trend.length) {
    const first = Math.max(1, completed - trend.length + 1);
    return trend.map((t, i) => ({
        x: `#${first + i}`, name: `Interview ${first + i}`, when: formatDateTime(t.completed_at), y: t.final_score,
    }));
}
