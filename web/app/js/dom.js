// Building the page: element helpers that never parse HTML (text goes in as text, so nothing
// a user or a resume wrote can become markup) and the formatting every page shares.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        if (Array.isArray(child)) append(parent, child);
        else if (child instanceof Node) parent.append(child);
        else parent.append(document.createTextNode(String(child)));
    }
}

// Sets attributes and properties: "class", "text", "on<Event>" handlers, boolean attributes
// (true sets, false omits), "dataset" objects; everything else becomes an attribute.
function apply(el, props) {
    for (const [key, value] of Object.entries(props || {})) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
        else if (key === 'text') el.textContent = value;
        else if (key === 'dataset') Object.assign(el.dataset, value);
        else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
        else if (key === 'value' && 'value' in el) el.value = value;
        else if (key === 'checked' || key === 'selected') el[key] = Boolean(value);
        else el.setAttribute(key, value === true ? '' : String(value));
    }
    return el;
}

export function h(tag, props, ...children) {
    const el = apply(document.createElement(tag), props);
    append(el, children);
    return el;
}

export function s(tag, props, ...children) {
    const el = apply(document.createElementNS(SVG_NS, tag), props);
    append(el, children);
    return el;
}

// Replaces the children of el.
export function mount(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
}

let uid = 0;
export function uniqueId(prefix = 'id') {
    uid += 1;
    return `${prefix}-${uid}`;
}

// ---- formatting ----------------------------------------------------------------------------

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
});

export function formatDate(iso) {
    return iso ? dateFmt.format(new Date(iso)) : '—';
}

export function formatDateTime(iso) {
    return iso ? dateTimeFmt.format(new Date(iso)) : '—';
}

// "3 minutes ago", "in 6 days".
export function relativeTime(iso) {
    if (!iso) return '';
    const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    const units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]];
    for (const [unit, size] of units)
        if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
    return rtf.format(seconds, 'second');
}

export function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// The one way the web app shows a score: a whole number out of 100, rounded half up, on every
// page, so that one quantity always reads the same (the API keeps its one decimal, docs/api.md).
// A missing score reads "No score yet".
export function formatScore(score) {
    if (score === null || score === undefined || score === '' || Number.isNaN(Number(score))) return 'No score yet';
    return String(Math.round(Math.max(0, Math.min(100, Number(score)))));
}

// The band a score falls in, for colour and wording: strong ≥ 75, fair ≥ 50, else weak.
export function scoreBand(score) {
    if (score === null || score === undefined) return 'none';
    if (score >= 75) return 'strong';
    if (score >= 50) return 'fair';
    return 'weak';
}

export function formatDuration(seconds) {
    const s = Math.max(0, Math.round(seconds || 0));
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function titleCase(word) {
    if (!word) return '';
    return String(word).replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

export function plural(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
}
