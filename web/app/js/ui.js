// Building blocks every page uses: headings, states (loading, empty, error), form fields with
// their errors, buttons that show they are busy, dialogs, notices for screen readers,
// pagination and score displays.

import { describeError } from './api.js';
import { formatScore, h, mount, s, scoreBand, titleCase, uniqueId } from './dom.js';

// ---- announcements -------------------------------------------------------------------------

// Says text to screen-reader users without moving focus (the shell's polite live region).
export function announce(text) {
    const region = document.getElementById('announcer');
    if (!region) return;
    region.textContent = '';
    setTimeout(() => {
        region.textContent = text;
    }, 50);
}

// A short message in the corner that also reaches screen readers; kind: info, success, error.
export function toast(text, kind = 'info') {
    const host = document.getElementById('toasts');
    if (!host) return;
    const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, '×');
    const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
        h('span', {}, text), close);
    const remove = () => el.remove();
    close.addEventListener('click', remove);
    host.append(el);
    setTimeout(remove, kind === 'error' ? 9000 : 5000);
}

// ---- page structure ------------------------------------------------------------------------

// The page's title (the h1 that receives focus after navigation), a lead line and actions.
export function pageHeader(title, { lead, actions, back } = {}) {
    return h('header', { class: 'page-header' },
        back ? h('a', { class: 'back-link', href: back.href }, `← ${back.label}`) : null,
        h('div', { class: 'page-header-row' },
            h('div', {},
                h('h1', { tabindex: '-1' }, title),
                lead ? h('p', { class: 'lead' }, lead) : null),
            actions ? h('div', { class: 'page-actions' }, actions) : null));
}

export function card(title, ...children) {
    const id = title ? uniqueId('card') : null;
    return h('section', { class: 'card', 'aria-labelledby': id },
        title ? h('h2', { id, class: 'card-title' }, title) : null,
        ...children);
}

export function spinner() {
    return h('span', { class: 'spinner', 'aria-hidden': 'true' });
}

export function loading(text = 'Loading…') {
    return h('div', { class: 'state state-loading', role: 'status' }, spinner(), h('span', {}, text));
}

export function emptyState({ title, text, action, icon = 'inbox' }) {
    return h('div', { class: 'state state-empty' },
        iconGraphic(icon),
        h('h2', { class: 'state-title' }, title),
        text ? h('p', {}, text) : null,
        action || null);
}

// What went wrong while loading, with the way forward: try again, or (for something that
// does not exist) a way back.
export function errorState(err, retry) {
    const missing = err && err.code === 'NOT_FOUND';
    return h('div', { class: 'state state-error', role: 'alert' },
        iconGraphic(missing ? 'search' : 'alert'),
        h('h2', { class: 'state-title' }, missing ? "We couldn't find that" : "This couldn't be loaded"),
        h('p', {}, describeError(err)),
        missing
            ? h('a', { class: 'btn btn-secondary', href: '/dashboard' }, 'Go to your dashboard')
            : (retry ? h('button', { type: 'button', class: 'btn btn-secondary', onClick: retry }, 'Try again') : null));
}

// An inline message above a form or inside a card; empty text hides it.
export function notice(kind = 'error') {
    const el = h('div', { class: `notice notice-${kind}`, hidden: true, role: kind === 'error' ? 'alert' : 'status' });
    return {
        el,
        show(text, nextKind) {
            if (nextKind) el.className = `notice notice-${nextKind}`;
            mount(el, ...(Array.isArray(text) ? text : [text]));
            el.hidden = false;
        },
        hide() {
            el.hidden = true;
            el.replaceChildren();
        },
    };
}

const ICONS = {
    inbox: 'M4 13h4l2 3h4l2-3h4M5 5h14l1 8v6H4v-6z',
    alert: 'M12 8v5m0 3h.01M10.3 4.3 2.6 18a2 2 0 0 0 1.7 3h15.4a2 2 0 0 0 1.7-3L13.7 4.3a2 2 0 0 0-3.4 0z',
    file: 'M7 3h7l5 5v13H7zM14 3v5h5',
    mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zm-7 9a7 7 0 0 0 14 0M12 19v3',
    chart: 'M4 20V4m0 16h16M8 16l4-5 3 3 5-7',
    lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
    search: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zm10 17-5-5',
    check: 'M5 12l5 5L20 7',
    clock: 'M12 7v5l3 2M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z',
};

export function iconGraphic(name, cls = 'state-icon') {
    return s('svg', { class: cls, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
        s('path', { d: ICONS[name] || ICONS.inbox }));
}

// ---- buttons and forms ---------------------------------------------------------------------

export function button(label, { kind = 'primary', type = 'button', onClick, ...rest } = {}) {
    return h('button', { type, class: `btn btn-${kind}`, onClick, ...rest }, label);
}

// Shows that a button's action is running: disabled, a spinner and a busy label.
export function setBusy(btn, busy, busyLabel) {
    if (busy) {
        btn.dataset.label = btn.dataset.label || btn.textContent;
        btn.disabled = true;
        btn.setAttribute('aria-busy', 'true');
        mount(btn, spinner(), busyLabel || btn.dataset.label);
    } else {
        btn.disabled = false;
        btn.removeAttribute('aria-busy');
        if (btn.dataset.label) mount(btn, btn.dataset.label);
    }
}

// A labelled input with a hint and an error line, both tied to it for assistive technology.
export function field({ label, name, type = 'text', hint, required = false, value, autocomplete,
    multiline = false, rows = 4, maxlength, minlength, min, max, placeholder, inputmode, options } = {}) {
    const id = uniqueId(`f-${name}`);
    const hintId = hint ? `${id}-hint` : null;
    const errorId = `${id}-error`;
    const attrs = {
        id, name, required, autocomplete, maxlength, minlength, min, max, placeholder, inputmode,
        'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
    };
    let input;
    if (options) {
        input = h('select', attrs, options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
    } else if (multiline) {
        input = h('textarea', { ...attrs, rows }, value || '');
    } else {
        input = h('input', { ...attrs, type, value });
    }
    const error = h('p', { id: errorId, class: 'field-error', hidden: true });
    const wrap = h('div', { class: 'field' },
        h('label', { for: id }, label, required ? null : h('span', { class: 'optional' }, ' (optional)')),
        hint ? h('p', { id: hintId, class: 'field-hint' }, hint) : null,
        input, error);
    return {
        wrap, input, name,
        setError(text) {
            if (text) {
                error.textContent = text;
                error.hidden = false;
                input.setAttribute('aria-invalid', 'true');
            } else {
                error.hidden = true;
                error.textContent = '';
                input.removeAttribute('aria-invalid');
            }
        },
    };
}

// Puts the service's field errors (422) next to the fields; focuses the first one. Returns
// true when at least one field error was shown.
export function showFieldErrors(fields, err) {
    let first = null;
    for (const f of fields) {
        const text = err && err.fields ? err.fields[f.name] : null;
        f.setError(text || null);
        if (text && !first) first = f;
    }
    if (first) first.input.focus();
    return Boolean(first);
}

export function clearFieldErrors(fields) {
    for (const f of fields) f.setError(null);
}

// The password policy of docs/api.md §3.1, checked as the user types; the service also refuses more
// than 72 bytes (UTF-8), all that bcrypt reads.
export const PASSWORD_RULES = [
    {
        id: 'length',
        text: '8 to 72 characters (accented letters and symbols outside ASCII count double or more)',
        test: (p) => [...p].length >= 8 && new TextEncoder().encode(p).length <= 72,
    },
    { id: 'upper', text: 'An uppercase letter (A–Z)', test: (p) => /[A-Z]/.test(p) },
    { id: 'lower', text: 'A lowercase letter (a–z)', test: (p) => /[a-z]/.test(p) },
    { id: 'digit', text: 'A digit (0–9)', test: (p) => /[0-9]/.test(p) },
    { id: 'special', text: 'A symbol or space (like ! # or ?)', test: (p) => /[^A-Za-z0-9]/.test(p) },
];

export function passwordValid(p) {
    // eslint-disable-next-line no-control-regex
    return PASSWORD_RULES.every((r) => r.test(p)) && !/[\u0000-\u001f\u007f]/.test(p);
}

// A checklist under a password field that ticks each rule as it is met.
export function passwordChecklist(input) {
    const id = uniqueId('pw-rules');
    const items = PASSWORD_RULES.map((r) => {
        const state = h('span', { class: 'visually-hidden' }, 'not met: ');
        const li = h('li', { class: 'rule' }, iconGraphic('check', 'rule-icon'), state, r.text);
        return { r, li, state };
    });
    const summary = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
    const list = h('ul', { class: 'password-rules', id }, items.map((i) => i.li));
    let lastMet = -1;
    const update = () => {
        let met = 0;
        for (const { r, li, state } of items) {
            const ok = r.test(input.value);
            li.classList.toggle('met', ok);
            state.textContent = ok ? 'met: ' : 'not met: ';
            if (ok) met++;
        }
        if (!input.value) {
            // An emptied field (typed away, or the form reset after a change) says nothing: the
            // region must not keep announcing a password that is gone.
            summary.textContent = '';
        } else if (met !== lastMet) {
            summary.textContent = met === items.length ? 'Password meets every rule.' : `${met} of ${items.length} password rules met.`;
        }
        lastMet = input.value ? met : -1;
    };
    input.addEventListener('input', update);
    const described = input.getAttribute('aria-describedby') || '';
    input.setAttribute('aria-describedby', `${described} ${id}`.trim());
    update();
    return h('div', { class: 'password-checklist' }, h('p', { class: 'field-hint' }, 'Your password needs:'), list, summary);
}

// A "show password" toggle for a password input.
export function revealToggle(input) {
    const btn = h('button', { type: 'button', class: 'btn btn-ghost btn-small reveal', 'aria-pressed': 'false' }, 'Show');
    btn.addEventListener('click', () => {
        const show = input.type === 'password';
        input.type = show ? 'text' : 'password';
        btn.textContent = show ? 'Hide' : 'Show';
        btn.setAttribute('aria-pressed', String(show));
    });
    return btn;
}

// ---- dialogs -------------------------------------------------------------------------------

// A modal confirmation. With `input`, asks for a value (for example a password) and resolves
// with it; otherwise resolves true or false. `action(value)` may run the change and throw to
// keep the dialog open with the error shown.
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = false, input, action }) {
    return new Promise((resolve) => {
        const titleId = uniqueId('dlg');
        const msg = notice('error');
        const f = input ? field(input) : null;
        const ok = button(confirmLabel, { kind: danger ? 'danger' : 'primary', type: 'submit' });
        const cancel = button('Cancel', { kind: 'secondary', value: 'cancel' });
        const form = h('form', { method: 'dialog', class: 'dialog-body' },
            h('h2', { id: titleId }, title),
            body ? (Array.isArray(body) ? body : h('p', {}, body)) : null,
            msg.el,
            f ? f.wrap : null,
            h('div', { class: 'dialog-actions' }, cancel, ok));
        const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
        let result = false;
        cancel.addEventListener('click', () => dlg.close());
        form.addEventListener('submit', async (e) => {
            e.preventDefault();
            const value = f ? f.input.value : true;
            if (f && !value) {
                f.setError('This is required.');
                f.input.focus();
                return;
            }
            if (action) {
                setBusy(ok, true);
                try {
                    await action(value);
                } catch (err) {
                    setBusy(ok, false);
                    if (f && err.fields && showFieldErrors([f], err)) return;
                    msg.show(describeError(err));
                    return;
                }
            }
            result = value;
            dlg.close();
        });
        dlg.addEventListener('close', () => {
            dlg.remove();
            resolve(result);
        });
        document.body.append(dlg);
        dlg.showModal();
        (f ? f.input : cancel).focus();
    });
}

// Runs fn(value) once typing in a search box pauses; returns a function that cancels it.
export function onSearchInput(input, fn, delay = 300) {
    let timer = null;
    input.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => fn(input.value.trim()), delay);
    });
    return () => clearTimeout(timer);
}

// ---- data display --------------------------------------------------------------------------

// A figure with its label and a detail line (dashboard and admin overview).
export function statCard(label, value, detail) {
    return h('div', { class: 'stat' },
        h('p', { class: 'stat-label' }, label),
        h('p', { class: 'stat-value' }, value),
        detail ? h('p', { class: 'stat-detail' }, detail) : null);
}

// Which engine graded an answer (Question.evaluation_engine, docs/api.md §4): the offline coach
// checks coverage, relevance, structure and known mistakes but not every fact, so say which it was.
const ENGINE_LABELS = {
    offline: 'Graded by the built-in offline coach, which checks coverage, relevance, structure, specifics and known mistakes but does not verify every fact',
    gemini: 'Graded by Google Gemini',
    openai: 'Graded by OpenAI',
};

export function gradedBy(engine) {
    return engine && ENGINE_LABELS[engine] ? h('p', { class: 'muted graded-by' }, ENGINE_LABELS[engine] + '.') : null;
}

// A score as "58/100" (formatScore: a whole number, the same on every page), or "No score yet".
export function scoreBadge(score, { label } = {}) {
    const band = scoreBand(score);
    const missing = score === null || score === undefined;
    return h('span', { class: `score score-${band}`, title: label },
        formatScore(score),
        missing ? null : h('span', { class: 'score-max' }, '/100'));
}

// Prose written by the grader (a summary, its strengths and weaknesses) quotes scores with the
// API's one decimal ("you scored 57.6 overall", "Best answer (72.4)"); this shows them as the
// rest of the page does, so that the ring's 58 and the sentence agree. Only numbers in a
// score's place are touched: after "scored", "averaged"/"averaging", "lowest at", "score:" or
// "communication:", or alone in brackets; a version such as "Python 3.11" or a measure such
// as "2.5 seconds" is left alone.
const PROSE_SCORE = /(\b(?:scored|averag(?:ed|ing)|lowest at|score:|communication:)\s+|\()(\d{1,3}(?:\.\d)?)(?=\)|[\s.,;:]|$)/gi;

export function scoreProse(text) {
    if (!text) return text;
    return String(text).replace(PROSE_SCORE, (all, lead, num) => {
        if (lead === '(' && !/\.\d$/.test(num)) return all;
        const v = Number(num);
        return v >= 0 && v <= 100 ? `${lead}${formatScore(v)}` : all;
    });
}

// A ring filled to score/100, with the number in the middle.
export function scoreRing(score, { size = 120, label = 'Score' } = {}) {
    const r = 52;
    const c = 2 * Math.PI * r;
    const v = Math.max(0, Math.min(100, Number(score) || 0));
    const band = scoreBand(score);
    const missing = score === null || score === undefined;
    return h('div', { class: `score-ring score-${band}`, role: 'img', 'aria-label': missing ? `${label}: no score yet` : `${label}: ${formatScore(score)} out of 100` },
        s('svg', { viewBox: '0 0 120 120', width: size, height: size, 'aria-hidden': 'true' },
            s('circle', { class: 'ring-track', cx: 60, cy: 60, r, fill: 'none', 'stroke-width': 10 }),
            s('circle', {
                class: 'ring-value', cx: 60, cy: 60, r, fill: 'none', 'stroke-width': 10,
                'stroke-dasharray': `${(c * v) / 100} ${c}`, transform: 'rotate(-90 60 60)', 'stroke-linecap': 'round',
            })),
        missing ? h('span', { class: 'ring-label ring-label-none', 'aria-hidden': 'true' }, 'No score yet')
            : h('span', { class: 'ring-label', 'aria-hidden': 'true' }, formatScore(score), h('small', {}, '/100')));
}

const STATUS_TEXT = {
    pending: 'Queued', processing: 'Analysing', analyzed: 'Analysed', error: 'Failed',
    preparing: 'Preparing', in_progress: 'In progress', completed: 'Completed', failed: 'Failed',
    PENDING: 'Pending', STARTED: 'Running', RETRY: 'Retrying', SUCCESS: 'Succeeded', FAILURE: 'Failed',
};

export function statusBadge(status) {
    const kind = {
        analyzed: 'ok', completed: 'ok', SUCCESS: 'ok', error: 'bad', failed: 'bad', FAILURE: 'bad',
        in_progress: 'info', STARTED: 'info',
    }[status] || 'wait';
    return h('span', { class: `badge badge-${kind}` }, STATUS_TEXT[status] || titleCase(status));
}

export function chip(text, cls = '') {
    return h('span', { class: `chip ${cls}`.trim() }, text);
}

// Chips that are a set of things (a resume's skills): a list, so that a screen reader says how
// many there are and reads them one by one rather than as one run-on string.
export function chipList(items, { cls = '', label } = {}) {
    return h('ul', { class: 'chips chip-list', 'aria-label': label }, items.map((t) => h('li', {}, chip(t, cls))));
}

// Previous / next controls with "Showing a–b of n", for docs/api.md §1.6 pages.
export function pagination({ total, skip, limit, onPage, label = 'Pages' }) {
    if (total <= limit && skip === 0) return null;
    const from = total === 0 ? 0 : skip + 1;
    const to = Math.min(skip + limit, total);
    const prev = button('← Previous', { kind: 'secondary', disabled: skip === 0 });
    const next = button('Next →', { kind: 'secondary', disabled: skip + limit >= total });
    prev.addEventListener('click', () => onPage(Math.max(0, skip - limit)));
    next.addEventListener('click', () => onPage(skip + limit));
    return h('nav', { class: 'pagination', 'aria-label': label },
        prev, h('span', { class: 'pagination-info' }, `Showing ${from}–${to} of ${total}`), next);
}

export function copyButton(getText, label = 'Copy') {
    const btn = button(label, { kind: 'secondary' });
    btn.addEventListener('click', async () => {
        try {
            await navigator.clipboard.writeText(getText());
            toast('Copied to the clipboard.', 'success');
        } catch (e) {
            toast('Copying is blocked here. Select the text and copy it yourself.', 'error');
        }
    });
    return btn;
}

// A definition list from [label, value, options] triples, skipping empty values; options.wide
// gives a long value (an e-mail address) the whole row.
export function facts(pairs) {
    return h('dl', { class: 'facts' },
        pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
            .map(([k, v, o]) => h('div', { class: o && o.wide ? 'fact fact-wide' : 'fact' }, h('dt', {}, k), h('dd', {}, v))));
}

// An e-mail address that wraps, when it must, before the "@" or a dot rather than mid-word.
export function breakableEmail(address) {
    const parts = String(address || '').split(/(?=[@.])/);
    const out = [];
    parts.forEach((p, i) => {
        if (i) out.push(h('wbr', {}));
        out.push(p);
    });
    return h('span', { class: 'email' }, out);
}
