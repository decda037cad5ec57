// Interviews (docs/api.md §4): the history of sessions (each under its one name, with delete and
// "Practise again", §4.5), and the form that starts a new one — with a resume or none, a target
// role (the resume's role unless changed), difficulty, how many questions, focus areas and a job
// description; "Practise again" opens it filled from an earlier session.

import { api, describeError } from '../api.js';
import { formatDateTime, h, mount, plural, titleCase, uniqueId } from '../dom.js';
import { navigate } from '../router.js';
import {
    button, clearFieldErrors, confirmDialog, emptyState, errorState, field, loading, notice, pageHeader, pagination,
    scoreBadge, setBusy, showFieldErrors, statusBadge, toast,
} from '../ui.js';
import { sessionLink } from './dashboard.js';

const PAGE = 10;
const CATEGORIES = ['technical', 'behavioral', 'project', 'system_design', 'coding', 'general'];

const STATUS_OPTIONS = [
    { value: '', label: 'All' },
    { value: 'completed', label: 'Completed' },
    { value: 'in_progress', label: 'In progress' },
    { value: 'preparing', label: 'Preparing' },
    { value: 'failed', label: 'Failed' },
    { value: 'cancelled', label: 'Cancelled' },
];

// The start form's address for practising a session again with the same settings.
export function practiseAgainHref(session) {
    return `/interviews/new?again=${encodeURIComponent(session.session_id || session.id)}`;
}

// Asks, then deletes a session with its answers (docs/api.md §4.5); resolves true when deleted.
export async function deleteSession(session) {
    const ok = await confirmDialog({
        title: `Delete "${session.title}"?`,
        body: 'The interview, its answers and feedback are deleted for good and leave your dashboard.',
        confirmLabel: 'Delete interview', danger: true,
        action: () => api.del(`/interview/${session.session_id || session.id}`),
    });
    if (ok) toast('Interview deleted.', 'success');
    return Boolean(ok);
}

function sessionRow(s, reload) {
    const title = s.title;
    const remove = button('Delete', { kind: 'secondary', class: 'btn btn-secondary btn-small', 'aria-label': `Delete ${title}` });
    remove.addEventListener('click', async () => {
        if (await deleteSession(s)) reload();
    });
    return h('li', { class: 'list-row' },
        h('div', { class: 'list-main' },
            h('a', { class: 'list-title', href: sessionLink(s) }, title),
            h('p', { class: 'list-meta' }, `${formatDateTime(s.started_at)} · ${titleCase(s.difficulty)} · ${s.kind === 'practice' ? 'Single-question practice' : plural(s.question_count, 'question')}`,
                s.status === 'in_progress' ? ` · ${s.answered_count} answered` : '')),
        statusBadge(s.status),
        scoreBadge(s.final_score),
        s.status === 'in_progress' ? h('a', { class: 'btn btn-secondary btn-small', href: sessionLink(s), 'aria-label': `Continue ${title}` }, 'Continue')
            : h('a', { class: 'btn btn-secondary btn-small', href: s.kind === 'practice' ? '/questions' : practiseAgainHref(s), 'aria-label': `Practise again: ${title}` }, 'Practise again'),
        remove);
}

export async function history(ctx) {
    const state = { status: ctx.query.get('status') || '', skip: 0 };
    const results = h('div', { class: 'results', 'aria-live': 'polite' });
    const status = h('select', { id: 'interview-status' }, STATUS_OPTIONS.map((o) => h('option', { value: o.value, selected: o.value === state.status }, o.label)));

    async function load() {
        mount(results, loading('Loading your interviews…'));
        let page;
        try {
            page = await api.get('/interview/history', { query: { skip: state.skip, limit: PAGE, status: state.status }, signal: ctx.signal });
        } catch (err) {
            if (err.name === 'AbortError') return;
            mount(results, errorState(err, load));
            return;
        }
        window.history.replaceState(null, '', `/interviews${state.status ? `?status=${state.status}` : ''}`);
        if (page.total === 0) {
            mount(results, state.status
                ? emptyState({ icon: 'search', title: 'No interviews with this status', text: 'Choose "All" to see every interview.' })
                : emptyState({
                    icon: 'mic', title: 'Practise your first interview',
                    text: 'Pick a role and a difficulty, answer at your own pace, and get a score and feedback for every answer.',
                    action: h('a', { class: 'btn btn-primary', href: '/interviews/new' }, 'Start an interview'),
                }));
            return;
        }
        mount(results,
            h('ul', { class: 'list card' }, page.items.map((s) => sessionRow(s, () => {
                if (page.items.length === 1 && state.skip > 0) state.skip = Math.max(0, state.skip - PAGE);
                load();
            }))),
            pagination({
                total: page.total, skip: state.skip, limit: PAGE, label: 'Interview pages',
                onPage: (skip) => {
                    state.skip = skip;
                    load();
                },
            }));
    }
    status.addEventListener('change', () => {
        state.status = status.value;
        state.skip = 0;
        load();
    });
    mount(ctx.view,
        pageHeader('Interviews', {
            lead: 'Every mock interview you have started, with its score once complete.',
            actions: h('a', { class: 'btn btn-primary', href: '/interviews/new' }, 'Start an interview'),
        }),
        h('div', { class: 'toolbar' }, h('div', { class: 'toolbar-field' }, h('label', { for: 'interview-status' }, 'Status'), status)),
        results);
    await load();
}

function difficultyGroup(value) {
    const options = [
        ['mixed', 'Mixed', 'A realistic spread: some easy, mostly medium, some hard.'],
        ['easy', 'Easy', 'Warm up with fundamentals.'],
        ['medium', 'Medium', 'Typical interview depth.'],
        ['hard', 'Hard', 'Senior-level depth and trade-offs.'],
    ];
    return h('fieldset', { class: 'field choice-group' },
        h('legend', {}, 'Difficulty'),
        h('div', { class: 'choices' }, options.map(([v, label, text]) => {
            const id = uniqueId('diff');
            return h('label', { class: 'choice', for: id },
                h('input', { type: 'radio', name: 'difficulty', value: v, id, checked: v === value }),
                h('span', { class: 'choice-text' }, h('strong', {}, label), h('span', { class: 'muted' }, text)));
        })));
}

function focusGroup(preset, note) {
    return h('fieldset', { class: 'field choice-group' },
        h('legend', {}, 'Focus areas', h('span', { class: 'optional' }, ' (optional)')),
        h('p', { class: 'field-hint' }, 'Leave all unticked for a balanced mix; ticked categories are the only ones asked.'),
        note,
        h('div', { class: 'checks' }, CATEGORIES.map((c) => {
            const id = uniqueId('focus');
            return h('label', { class: 'check', for: id },
                h('input', { type: 'checkbox', name: 'focus', value: c, id, checked: preset.includes(c) }),
                titleCase(c));
        })));
}

// A character counter under a text field, announced only as the limit comes near.
export function counter(input, max) {
    const out = h('p', { class: 'counter', 'aria-live': 'polite' });
    const update = () => {
        const n = [...input.value].length;
        out.textContent = `${n.toLocaleString()} / ${max.toLocaleString()} characters`;
        out.classList.toggle('over', n > max);
        out.setAttribute('aria-live', n > max * 0.9 ? 'polite' : 'off');
    };
    input.addEventListener('input', update);
    update();
    return out;
}

export async function start(ctx) {
    const resumes = await api.get('/resume/', { query: { status: 'analyzed', limit: 100 }, signal: ctx.signal });
    // "Practise again": the earlier session's settings (docs/api.md §4.5); gone or not ours = none.
    let again = null;
    if (ctx.query.get('again')) {
        try {
            again = await api.get(`/interview/${encodeURIComponent(ctx.query.get('again'))}`, { signal: ctx.signal });
        } catch (err) {
            if (err.name === 'AbortError') throw err;
        }
    }
    const wanted = again ? again.resume_id : ctx.query.get('resume');
    const againFocus = again && again.focus_areas ? again.focus_areas : [];
    const preset = again ? againFocus.filter((c) => CATEGORIES.includes(c))
        : (ctx.query.get('focus') || '').split(',').filter((c) => CATEGORIES.includes(c));
    const options = [{ value: '', label: 'No resume — general questions' },
        ...resumes.items.map((r) => ({ value: r.id, label: `${r.title}${r.inferred_role ? ` (${r.inferred_role})` : ''}` }))];
    const initial = wanted && resumes.items.some((r) => r.id === wanted) ? wanted
        : (again || !resumes.items[0] ? '' : resumes.items[0].id);
    const resume = field({
        label: 'Resume', name: 'resume_id', options, value: initial,
        hint: resumes.items.length ? 'Questions draw on the skills and experience in this resume.' : null,
    });
    const role = field({
        label: 'Target role', name: 'target_role', maxlength: 100, placeholder: 'e.g. Backend Engineer', autocomplete: 'organization-title',
        value: again && again.target_role ? again.target_role : '', hint: 'Filled from the resume; change it to practise for another role.',
    });
    const count = field({ label: 'Number of questions', name: 'question_count', type: 'number', value: again ? String(again.question_count) : '12', min: '5', max: '30', inputmode: 'numeric', required: true, hint: 'Between 5 and 30. Twelve takes about 30 minutes.' });
    const jd = field({ label: 'Job description', name: 'job_description', multiline: true, rows: 6, maxlength: 10000, hint: 'Paste a posting to get questions about what it asks for.', value: again && again.job_description ? again.job_description : '' });
    jd.wrap.append(counter(jd.input, 10000));
    const other = field({
        label: 'Other topics', name: 'focus_other', hint: 'Comma-separated, e.g. Kubernetes, leadership.', placeholder: '',
        value: againFocus.filter((c) => !CATEGORIES.includes(c)).join(', '),
    });
    // The target role is the resume's inferred role, as a value, until the user types their own.
    let roleEdited = Boolean(again);
    role.input.addEventListener('input', () => {
        roleEdited = true;
    });
    const suggestRole = () => {
        if (roleEdited) return;
        const r = resumes.items.find((x) => x.id === resume.input.value);
        role.input.value = r && r.inferred_role ? r.inferred_role : '';
    };
    resume.input.addEventListener('change', suggestRole);
    suggestRole();
    // The categories this role's interview has (docs/api.md §4.4): the others are disabled and
    // explained before the session starts.
    const categoryNote = h('p', { class: 'field-hint', 'aria-live': 'polite' });
    let asked = 0;
    const loadCategories = async () => {
        const query = {};
        if (resume.input.value) query.resume_id = resume.input.value;
        if (role.input.value.trim()) query.target_role = role.input.value.trim();
        const mine = ++asked;
        let res;
        try {
            res = await api.get('/interview/categories', { query, signal: ctx.signal });
        } catch {
            return;
        }
        if (mine !== asked) return;
        const reasons = [];
        for (const c of res.categories) {
            const box = form.querySelector(`input[name=focus][value="${c.category}"]`);
            if (!box) continue;
            box.disabled = !c.available;
            if (!c.available) {
                box.checked = false;
                reasons.push(c.reason);
            }
            box.closest('label').title = c.available ? '' : c.reason;
        }
        categoryNote.textContent = reasons.length ? `${reasons.join('. ')}.` : '';
    };
    let roleTimer = null;
    role.input.addEventListener('input', () => {
        clearTimeout(roleTimer);
        roleTimer = setTimeout(loadCategories, 400);
    });
    resume.input.addEventListener('change', loadCategories);
    // Follow-up questions (docs/api.md §4.6): on unless turned off, kept by "Practise again".
    const followId = uniqueId('follow');
    const followBox = h('input', { type: 'checkbox', id: followId, name: 'follow_ups', checked: again ? again.follow_ups !== false : true });
    const follow = h('div', { class: 'field' },
        h('label', { class: 'check', for: followId }, followBox, 'Ask follow-up questions'),
        h('p', { class: 'field-hint' }, 'When an answer misses a key point, the interviewer asks one follow-up about it.'));
    // A time limit per answer (docs/api.md §4.1), counted down on the interview page.
    const limit = field({
        label: 'Time limit per answer', name: 'time_limit_minutes',
        options: [['0', 'Off'], ['1', '1 minute'], ['2', '2 minutes'], ['3', '3 minutes'], ['5', '5 minutes']].map(([value, label]) => ({ value, label })),
        value: again ? String(again.time_limit_minutes || 0) : '0',
        hint: 'A countdown warns you before the time is up; you can still submit after it.',
    });
    const msg = notice('error');
    const submit = button('Start interview', { type: 'submit', class: 'btn btn-primary btn-large' });
    const form = h('form', { class: 'form form-wide', novalidate: true },
        msg.el,
        resumes.items.length ? null : h('p', { class: 'notice notice-info' }, 'Tip: ', h('a', { href: '/resumes/new' }, 'upload a resume'), ' to get questions about your own experience.'),
        again ? h('p', { class: 'notice notice-info', role: 'status' }, `Practising again: the settings of "${again.title}".`) : null,
        resume.wrap, role.wrap, difficultyGroup(again ? again.difficulty : 'mixed'), count.wrap, focusGroup(preset, categoryNote), other.wrap, jd.wrap, limit.wrap, follow,
        h('div', { class: 'form-actions' }, submit));
    const fields = [resume, role, count, jd, { name: 'focus_areas', input: other.input, setError: other.setError }];

    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        clearFieldErrors(fields);
        const n = Number(count.input.value);
        if (!Number.isInteger(n) || n < 5 || n > 30) {
            count.setError('Choose a whole number from 5 to 30.');
            count.input.focus();
            return;
        }
        const focus = [...form.querySelectorAll('input[name=focus]:checked')].map((i) => i.value);
        for (const t of other.input.value.split(',').map((x) => x.trim()).filter(Boolean)) if (!focus.includes(t)) focus.push(t);
        if (focus.length > 10 || focus.some((f) => f.length > 50)) {
            other.setError('Use at most 10 focus areas of up to 50 characters each.');
            other.input.focus();
            return;
        }
        const body = {
            difficulty: form.querySelector('input[name=difficulty]:checked').value,
            question_count: n,
            follow_ups: followBox.checked,
            time_limit_minutes: Number(limit.input.value),
        };
        if (resume.input.value) body.resume_id = resume.input.value;
        if (role.input.value.trim()) body.target_role = role.input.value.trim();
        if (focus.length) body.focus_areas = focus;
        if (jd.input.value.trim()) body.job_description = jd.input.value.trim();
        setBusy(submit, true, 'Preparing your questions…');
        try {
            const session = await api.post('/interview/start', body);
            // What the session left out or filled from elsewhere (docs/api.md §4.1), shown
            // once on the interview page.
            if (session.notices && session.notices.length) {
                try {
                    sessionStorage.setItem(`ia-notices:${session.id}`, JSON.stringify(session.notices.map((n) => n.message)));
                } catch { /* storage unavailable: the notices are only lost */ }
            }
            await navigate(`/interviews/${session.id}`);
        } catch (err) {
            setBusy(submit, false);
            if (err.code === 'VALIDATION_ERROR' && showFieldErrors(fields, err)) return;
            msg.show(describeError(err));
            msg.el.scrollIntoView({ block: 'nearest' });
        }
    });

    loadCategories();
    mount(ctx.view, h('div', { class: 'narrow' },
        pageHeader(again ? 'Practise again' : 'Start an interview', {
            back: { href: '/interviews', label: 'Interviews' },
            lead: 'Answer in your own words; there is no time limit, but the timer shows how long you take.',
        }),
        form));
}
