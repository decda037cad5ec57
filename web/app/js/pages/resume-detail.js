// One resume (docs/api.md §5): follows its analysis live, then shows what was found — summary,
// skills, experience, education — marking what the parser was unsure of ("Please check") and
// what the owner corrected, with an editor for corrections (§5.3), a job-description match
// that keeps the last description and the past matches, a share link with an expiry, exports,
// re-analysis, renaming and deletion.

import { api, describeError, download } from '../api.js';
import { formatBytes, formatDate, h, mount, plural, relativeTime, titleCase } from '../dom.js';
import { pollUntil } from '../poll.js';
import { analysisEditor } from './resume-edit.js';
import { navigate } from '../router.js';
import {
    announce, button, card, chipList, confirmDialog, copyButton, facts, field, iconGraphic, notice, pageHeader,
    scoreRing, setBusy, spinner, statusBadge, toast,
} from '../ui.js';

const SKILL_GROUPS = [
    ['language', 'Languages'], ['framework', 'Frameworks'], ['database', 'Databases'], ['cloud', 'Cloud'],
    ['tool', 'Tools'], ['soft', 'Soft skills'], ['other', 'Other'],
];

// A link from a resume is shown as a link only when it is http(s); anything else is text.
export function safeLink(text) {
    const value = String(text || '').trim();
    const url = /^https?:\/\//i.test(value) ? value : (/^[\w.-]+\.[a-z]{2,}(\/\S*)?$/i.test(value) ? `https://${value}` : null);
    if (!url) return h('span', {}, value);
    return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, value);
}

export function dateRange(start, end) {
    if (!start && !end) return '';
    return `${start || '?'} – ${end || 'Present'}`;
}

export function skillsBlock(skills, empty = 'No skills listed.') {
    if (!skills || !skills.length) return h('p', { class: 'muted' }, empty);
    return h('div', { class: 'skill-groups' }, SKILL_GROUPS.map(([cat, label]) => {
        const items = skills.filter((s) => (s.category || 'other') === cat);
        if (!items.length) return null;
        return h('div', { class: 'skill-group' }, h('h3', {}, label), chipList(items.map((s) => s.name), { label }));
    }));
}

// The lines of a description written as bullets ("• Led…", "- Cut…"), or null when it is prose.
function bulletLines(text) {
    const lines = String(text || '').split('\n').map((x) => x.trim()).filter(Boolean);
    if (lines.length < 2 || !lines.every((x) => /^[-•*▪◦‣–]\s*/.test(x))) return null;
    return lines.map((x) => x.replace(/^[-•*▪◦‣–]\s*/, ''));
}

export function experienceBlock(experience, empty = 'No work experience listed.') {
    if (!experience || !experience.length) return h('p', { class: 'muted' }, empty);
    return h('ol', { class: 'timeline' }, experience.map((e) => {
        const bullets = bulletLines(e.description);
        const highlights = [...(bullets || []), ...(e.highlights || [])];
        return h('li', {},
            h('h3', {}, e.job_title || e.position || 'Role', e.company ? h('span', { class: 'muted' }, ` · ${e.company}`) : null),
            h('p', { class: 'list-meta' }, dateRange(e.start_date, e.end_date)),
            e.description && !bullets ? h('p', {}, e.description) : null,
            highlights.length ? h('ul', { class: 'bullets highlights' }, highlights.map((x) => h('li', {}, x))) : null);
    }));
}

export function educationBlock(education, empty = 'No education listed.') {
    if (!education || !education.length) return h('p', { class: 'muted' }, empty);
    return h('ul', { class: 'list' }, education.map((e) => h('li', { class: 'list-row' },
        h('div', { class: 'list-main' },
            h('p', { class: 'list-title' }, [e.degree, e.field_of_study].filter(Boolean).join(', ') || 'Education'),
            h('p', { class: 'list-meta' }, [e.institution, dateRange(e.start_date, e.end_date), e.gpa ? `GPA ${e.gpa}` : null].filter(Boolean).join(' · '))))));
}

function progressSteps(status) {
    const steps = [
        ['Uploaded', true],
        ['Reading the file', status === 'processing'],
        ['Finding skills and experience', false],
    ];
    return h('div', { class: 'analysis-progress', role: 'status' },
        spinner(),
        h('div', {},
            h('p', { class: 'list-title' }, status === 'pending' ? 'Your resume is in the queue' : 'Analysing your resume…'),
            h('p', { class: 'muted' }, 'This usually takes a few seconds. The page updates by itself; you can also leave and come back.'),
            h('ol', { class: 'progress-steps' }, steps.map(([label, active], i) => h('li', { class: i === 0 ? 'done' : (active ? 'active' : '') }, label)))));
}

const FIELD_LABELS = {
    name: 'name', headline: 'headline', location: 'location', summary: 'summary', inferred_role: 'role',
    seniority: 'seniority', years_of_experience: 'years of experience', skills: 'skills', experience: 'experience',
    education: 'education', certifications: 'certifications', languages: 'languages',
};
// Fields whose absence means the parser could not read them (every resume has them).
const EXPECTED = ['name', 'location', 'inferred_role', 'years_of_experience', 'skills', 'experience', 'education'];
const UNSURE = 0.6;

function isEmpty(v) {
    return v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);
}

// How the page marks a field: 'edited' (corrected by the owner), 'check' (the parser was unsure
// of what it read, or could not read a field every resume has) or null. An empty optional field
// (no certifications, no languages section) is not a misreading.
export function fieldState(a, name) {
    if ((a.corrected_fields || []).includes(name)) return 'edited';
    if (isEmpty(a[name])) return EXPECTED.includes(name) ? 'check' : null;
    const fc = a.field_confidence && typeof a.field_confidence === 'object' ? a.field_confidence[name] : undefined;
    return typeof fc === 'number' && fc < UNSURE ? 'check' : null;
}

function flag(a, name) {
    const state = fieldState(a, name);
    if (state === 'edited') return h('span', { class: 'field-flag flag-edited', 'data-flag': `edited-${name}` }, 'Edited by you');
    if (state === 'check') return h('span', { class: 'field-flag flag-check', 'data-flag': `check-${name}` }, 'Please check');
    return null;
}

// A fact's value with its mark; a field that could not be read says so instead of vanishing.
function flagged(a, name, value) {
    const mark = flag(a, name);
    if (isEmpty(value)) return mark ? h('span', {}, h('span', { class: 'muted' }, 'Not found '), mark) : null;
    return mark ? h('span', {}, value, ' ', mark) : value;
}

// The confidence to show: the mean of the per-field confidences of the fields not corrected
// when the analysis has them, else its confidence_score; never "100%" (null then).
export function shownConfidence(a) {
    const fc = a.field_confidence && typeof a.field_confidence === 'object' ? a.field_confidence : null;
    let score = a.confidence_score;
    if (fc) {
        const own = Object.entries(fc).filter(([k, v]) => typeof v === 'number' && !(a.corrected_fields || []).includes(k));
        if (own.length) score = own.reduce((t, [, v]) => t + v, 0) / own.length;
    }
    if (typeof score !== 'number') return null;
    const pct = Math.round(score * 100);
    return pct >= 100 ? null : `${pct}%`;
}

function overview(r, a, onEdit) {
    const edited = (a.corrected_fields || []).map((f) => FIELD_LABELS[f] || f);
    const unsure = Object.keys(FIELD_LABELS).filter((f) => fieldState(a, f) === 'check');
    const edit = onEdit ? button('Edit analysis', { kind: 'secondary', 'data-action': 'edit-analysis' }) : null;
    if (edit) edit.addEventListener('click', onEdit);
    return card('Overview',
        unsure.length ? h('p', { class: 'notice notice-info check-notice' },
            `Please check ${unsure.map((f) => FIELD_LABELS[f]).join(', ')}: we were not sure we read ${unsure.length === 1 ? 'it' : 'them'} right. Correct anything that is wrong with Edit analysis.`) : null,
        a.name || fieldState(a, 'name') ? h('p', { class: 'list-title' }, flagged(a, 'name', a.name)) : null,
        a.headline ? h('p', { class: 'muted' }, flagged(a, 'headline', a.headline)) : null,
        a.summary ? h('p', { class: 'summary' }, a.summary, ' ', flag(a, 'summary')) : null,
        facts([
            ['Likely role', flagged(a, 'inferred_role', a.inferred_role ? titleCase(a.inferred_role) : null)],
            ['Seniority', flagged(a, 'seniority', a.seniority ? titleCase(a.seniority) : null)],
            ['Experience', flagged(a, 'years_of_experience', a.years_of_experience !== null && a.years_of_experience !== undefined ? plural(Math.round(a.years_of_experience), 'year') : null)],
            ['Location', flagged(a, 'location', a.location)],
            ['Languages', flagged(a, 'languages', (a.languages || []).join(', ') || null)],
            ['Analysis confidence', shownConfidence(a)],
            ['Edited by you', edited.length ? edited.join(', ') : null],
        ]),
        (a.links || []).length ? h('div', { class: 'links' }, h('h3', {}, 'Links'), h('ul', { class: 'bullets' }, a.links.map((l) => h('li', {}, safeLink(l))))) : null,
        (a.certifications || []).length ? h('div', {}, h('h3', {}, 'Certifications ', flag(a, 'certifications')), h('ul', { class: 'bullets' }, a.certifications.map((c) => h('li', {}, c)))) : null,
        edit ? h('div', { class: 'button-row' }, edit) : null);
}

// A card of one analysis list with its mark; an empty list the parser could not read asks the
// owner to check it rather than blaming the file.
function listCard(a, name, title, block) {
    const state = fieldState(a, name);
    const empty = state === 'check' ? `We could not read your ${FIELD_LABELS[name]}. Please check: add it with Edit analysis.` : undefined;
    return card(title, flag(a, name), block(a[name], empty));
}

// The requirements of a match: from `requirements` when the engine states them, else from the
// matched and missing skills (all counted as required).
export function matchGroups(m) {
    const reqs = Array.isArray(m.requirements) && m.requirements.length ? m.requirements : null;
    if (!reqs) {
        return {
            met: (m.matched_skills || []).map((t) => ({ text: t, evidence: null })),
            missingRequired: (m.missing_skills || []).map((t) => ({ text: t })),
            missingPreferred: [],
        };
    }
    return {
        met: reqs.filter((x) => x.met),
        missingRequired: reqs.filter((x) => !x.met && x.kind !== 'preferred'),
        missingPreferred: reqs.filter((x) => !x.met && x.kind === 'preferred'),
    };
}

function matchResult(m) {
    const g = matchGroups(m);
    const list = (items, cls, empty) => (items.length
        ? h('ul', { class: `req-list ${cls}` }, items.map((x) => h('li', {}, h('span', { class: 'req-text' }, x.text),
            x.evidence ? h('q', { class: 'req-evidence' }, x.evidence) : null)))
        : h('p', { class: 'muted' }, empty));
    return h('div', { class: 'match-result' },
        h('div', { class: 'match-head' },
            scoreRing(m.match_score, { size: 96, label: 'Match score' }),
            h('div', {},
                h('p', { class: 'list-title' }, m.match_score >= 75 ? 'A strong match' : m.match_score >= 50 ? 'A partial match' : 'A weak match'),
                h('p', { class: 'muted' }, `Checked ${relativeTime(m.created_at)}`))),
        h('div', { class: 'grid-2 tight' },
            h('div', { 'data-part': 'missing-required' }, h('h3', {}, 'Missing requirements'), list(g.missingRequired, 'req-missing', 'Nothing required is missing. Nice.')),
            h('div', { 'data-part': 'met' }, h('h3', {}, 'Requirements you meet'), list(g.met, 'req-met', 'None of the requirements were found in your resume.'))),
        g.missingPreferred.length ? h('div', { 'data-part': 'missing-preferred' }, h('h3', {}, 'Nice-to-haves you could add'), list(g.missingPreferred, 'req-nice', '')) : null,
        (m.recommendations || []).length ? h('div', {}, h('h3', {}, 'Recommendations'), h('ul', { class: 'bullets' }, m.recommendations.map((x) => h('li', {}, x)))) : null);
}

function pastMatches(matches, onShow) {
    if (matches.length < 2) return null;
    return h('details', { class: 'past-matches' },
        h('summary', {}, `Past matches (${matches.length})`),
        h('ul', { class: 'list' }, matches.map((m) => {
            const show = button('Show', { kind: 'ghost' });
            show.addEventListener('click', () => onShow(m));
            const jd = m.job_description || '';
            return h('li', { class: 'list-row' },
                h('div', { class: 'list-main' },
                    h('p', { class: 'list-title' }, jd.length > 90 ? `${jd.slice(0, 90)}…` : jd),
                    h('p', { class: 'list-meta' }, `${Math.round(m.match_score)} / 100 · ${relativeTime(m.created_at)}`)),
                show);
        })));
}

function matchCard(ctx, r, reload) {
    const msg = notice('error');
    const current = r.analysis.job_match;
    const result = h('div', { 'aria-live': 'polite' }, current ? matchResult(current) : null);
    const past = h('div', {});
    const jd = field({ label: 'Job description', name: 'job_description', multiline: true, rows: 6, maxlength: 10000, required: true, value: current && current.job_description ? current.job_description : '', hint: 'Paste the posting. We compare its requirements with your resume.' });
    const submit = button(current ? 'Check again' : 'Check the match', { type: 'submit' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, jd.wrap, submit);

    function showPast(matches) {
        mount(past, pastMatches(matches, (m) => {
            mount(result, matchResult(m));
            jd.input.value = m.job_description || '';
        }));
    }
    async function loadPast(prefill) {
        try {
            const matches = await api.get(`/resume/analysis/${r.id}/matches`, { signal: ctx.signal });
            if (prefill && matches.length && !jd.input.value) {
                jd.input.value = matches[0].job_description || '';
                mount(result, matchResult(matches[0]));
            }
            showPast(matches);
        } catch (err) {
            if (err.name !== 'AbortError') msg.show(describeError(err));
        }
    }
    loadPast(true);

    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        const text = jd.input.value.trim();
        if (!text) {
            jd.setError('Paste a job description first.');
            jd.input.focus();
            return;
        }
        jd.setError(null);
        setBusy(submit, true, 'Comparing…');
        try {
            const { task_id: taskId } = await api.post(`/resume/analysis/${r.id}/match`, { job_description: text });
            const task = await pollUntil(() => api.get(`/tasks/${taskId}`, { signal: ctx.signal }), {
                signal: ctx.signal, done: (t) => t.status === 'SUCCESS' || t.status === 'FAILURE',
            });
            if (task.status === 'FAILURE') throw Object.assign(new Error(task.error), { name: 'TaskError' });
            const fresh = await api.get(`/resume/${r.id}`, { signal: ctx.signal });
            mount(result, matchResult(fresh.analysis.job_match));
            announce(`Match score ${Math.round(fresh.analysis.job_match.match_score)} out of 100.`);
            setBusy(submit, false);
            submit.textContent = 'Check again';
            reload.silent(fresh);
            loadPast(false);
        } catch (err) {
            if (err.name === 'AbortError') return;
            setBusy(submit, false);
            msg.show(err.name === 'TaskError' ? `The comparison failed: ${err.message}. Try again.` : describeError(err));
        }
    });
    return card('Match a job description', result, form, past);
}

function shareCard(r) {
    const body = h('div', { 'aria-live': 'polite' });
    const msg = notice('error');

    function showShared(st) {
        const url = h('input', { type: 'text', readonly: true, value: st.share_url, class: 'share-url', 'aria-label': 'Share link', id: 'share-url' });
        url.addEventListener('focus', () => url.select());
        const stop = button('Stop sharing', { kind: 'secondary' });
        const renew = button('Create a new link', { kind: 'ghost' });
        stop.addEventListener('click', async () => {
            setBusy(stop, true, 'Stopping…');
            try {
                await api.post(`/resume/sharing/${r.id}/unshare`);
                toast('Sharing stopped. The old link no longer works.', 'success');
                showForm();
            } catch (err) {
                setBusy(stop, false);
                msg.show(describeError(err));
            }
        });
        renew.addEventListener('click', () => showForm(true));
        mount(body, msg.el,
            h('p', {}, 'Anyone with this link can see a summary of your resume: your name, role, skills, experience and education. Never your email, phone number or file.'),
            h('div', { class: 'input-with-button' }, url, copyButton(() => st.share_url, 'Copy link')),
            h('p', { class: 'list-meta' }, st.expiry_date ? `Expires ${relativeTime(st.expiry_date)} (${formatDate(st.expiry_date)}).` : 'Never expires.'),
            h('div', { class: 'button-row' }, stop, renew));
    }

    function showForm(renewing = false) {
        const expiry = field({
            label: 'Link expires after', name: 'expiry_days', value: '7', required: true,
            options: [{ value: '1', label: '1 day' }, { value: '7', label: '7 days' }, { value: '14', label: '14 days' }, { value: '30', label: '30 days' }, { value: '', label: 'Never' }],
        });
        const submit = button(renewing ? 'Create new link' : 'Create share link', { type: 'submit' });
        const form = h('form', { class: 'form', novalidate: true }, msg.el,
            h('p', {}, renewing ? 'A new link replaces the old one, which stops working.' : 'Share a read-only summary with a recruiter or mentor. It shows your name, role, skills, experience and education — never your email, phone number or file. E-mail addresses, phone numbers, street addresses and links written in your summary or experience are hidden too.'),
            expiry.wrap, submit);
        form.addEventListener('submit', async (e) => {
            e.preventDefault();
            setBusy(submit, true, 'Creating…');
            const body2 = { is_public: true };
            if (expiry.input.value) body2.expiry_days = Number(expiry.input.value);
            try {
                showShared(await api.post(`/resume/sharing/${r.id}/share`, body2));
                announce('Share link created.');
            } catch (err) {
                setBusy(submit, false);
                msg.show(describeError(err));
            }
        });
        mount(body, form);
    }

    api.get(`/resume/sharing/${r.id}/share-status`).then((st) => {
        if (st.is_shared && st.is_public) showShared(st);
        else showForm();
    }).catch((err) => {
        msg.show(describeError(err));
        mount(body, msg.el);
    });
    return card('Share', body);
}

function exportCard(r) {
    const msg = notice('error');
    const formats = [['original', `Original file (${r.file_name})`], ['md', 'Markdown'], ['txt', 'Plain text'], ['json', 'JSON']];
    return card('Export', msg.el,
        h('p', { class: 'muted' }, 'Download your original file, or the analysis in another format.'),
        h('div', { class: 'button-row wrap' }, formats.map(([fmt, label]) => {
            const b = button(label, { kind: 'secondary', 'data-format': fmt });
            b.addEventListener('click', async () => {
                setBusy(b, true, 'Preparing…');
                msg.hide();
                try {
                    const name = await download(`/resume/export/${r.id}/download`, { query: { format: fmt }, fallbackName: `resume.${fmt}` });
                    announce(`Downloaded ${name}.`);
                } catch (err) {
                    msg.show(describeError(err));
                }
                setBusy(b, false);
            });
            return b;
        })));
}

export async function render(ctx) {
    const id = ctx.params.id;
    let resume = await api.get(`/resume/${id}`, { signal: ctx.signal });
    let following = false;
    let editing = false;

    const reload = {
        silent(fresh) {
            resume = fresh;
        },
    };

    async function follow() {
        if (following) return;
        following = true;
        try {
            resume = await pollUntil(() => api.get(`/resume/${id}`, { signal: ctx.signal }), {
                signal: ctx.signal,
                done: (r) => r.status === 'analyzed' || r.status === 'error',
                onUpdate: (r) => {
                    if (r.status !== resume.status) {
                        resume = r;
                        draw();
                    }
                },
            });
            following = false;
            draw();
            announce(resume.status === 'analyzed' ? 'Analysis complete.' : 'The analysis failed.');
        } catch (err) {
            following = false;
            if (err.name !== 'AbortError') toast(describeError(err), 'error');
        }
    }

    async function reanalyze(btn) {
        setBusy(btn, true, 'Starting…');
        try {
            await api.post(`/resume/analysis/${id}/reanalyze`);
            resume = { ...resume, status: 'processing' };
            draw();
            announce('Re-analysing your resume.');
            follow();
        } catch (err) {
            setBusy(btn, false);
            toast(describeError(err), 'error');
        }
    }

    async function rename() {
        const value = await confirmDialog({
            title: 'Rename resume', confirmLabel: 'Save',
            input: { label: 'Title', name: 'title', value: resume.title, maxlength: 100, required: true },
            action: async (title) => {
                resume = await api.put(`/resume/${id}`, { title: title.trim() });
            },
        });
        if (value) {
            draw();
            toast('Renamed.', 'success');
        }
    }

    async function remove() {
        const ok = await confirmDialog({
            title: `Delete "${resume.title}"?`,
            body: 'The file, its analysis and any share link are deleted for good. Interviews you practised with it are kept.',
            confirmLabel: 'Delete resume', danger: true,
            action: () => api.del(`/resume/${id}`),
        });
        if (ok) {
            toast('Resume deleted.', 'success');
            await navigate('/resumes');
        }
    }

    function draw() {
        const r = resume;
        const a = r.analysis;
        ctx.setTitle(r.title);
        const busy = r.status === 'pending' || r.status === 'processing';
        const actions = [];
        if (r.status === 'analyzed')
            actions.push(h('a', { class: 'btn btn-primary', href: `/interviews/new?resume=${r.id}` }, 'Practise with this resume'));
        const more = [];
        const renameBtn = button('Rename', { kind: 'secondary' });
        renameBtn.addEventListener('click', rename);
        more.push(renameBtn);
        if (!busy) {
            const again = button('Re-analyse', { kind: 'secondary' });
            again.addEventListener('click', () => reanalyze(again));
            more.push(again);
        }
        const del = button('Delete', { kind: 'danger-ghost' });
        del.addEventListener('click', remove);
        more.push(del);

        const head = pageHeader(r.title, {
            back: { href: '/resumes', label: 'Resumes' },
            lead: h('span', { class: 'lead-meta' }, statusBadge(r.status), ` ${r.file_name} · ${formatBytes(r.file_size)} · uploaded ${formatDate(r.created_at)}`),
            actions: [...actions, ...more],
        });
        const parts = [head];
        if (busy) {
            parts.push(card(null, progressSteps(r.status)));
            if (a && !a.error && a.summary) parts.push(h('p', { class: 'muted' }, 'Showing the previous analysis until the new one is ready.'));
        }
        if (r.status === 'error') {
            const again = button('Try the analysis again');
            again.addEventListener('click', () => reanalyze(again));
            parts.push(h('div', { class: 'state state-error', role: 'alert' },
                iconGraphic('alert'),
                h('h2', { class: 'state-title' }, "We couldn't analyse this resume"),
                h('p', {}, (a && a.error) || 'The analysis failed.'),
                h('p', { class: 'muted' }, 'If the file is a scan or a photo, export a text-based PDF or Word file from your editor and upload that.'),
                h('div', { class: 'button-row center' }, again, h('a', { class: 'btn btn-secondary', href: '/resumes/new' }, 'Upload another file'))));
        }
        if (a && !a.error && r.status === 'analyzed' && editing) {
            parts.push(card('Edit analysis', analysisEditor({
                id: r.id,
                analysis: a,
                onSaved: async (view) => {
                    editing = false;
                    resume = { ...resume, analysis: view.analysis };
                    try {
                        resume = await api.get(`/resume/${id}`, { signal: ctx.signal });
                    } catch (err) {
                        if (err.name === 'AbortError') return;
                    }
                    draw();
                    toast('Corrections saved. Your interviews and matches use them from now on.', 'success');
                },
                onCancel: () => {
                    editing = false;
                    draw();
                },
            })));
        } else if (a && !a.error && (r.status === 'analyzed' || busy)) {
            const onEdit = () => {
                editing = true;
                draw();
                const first = ctx.view.querySelector('.analysis-edit input');
                if (first) first.focus();
            };
            parts.push(h('div', { class: 'grid-2' }, overview(r, a, busy ? null : onEdit), listCard(a, 'skills', 'Skills', skillsBlock)));
            parts.push(h('div', { class: 'grid-2' }, listCard(a, 'experience', 'Experience', experienceBlock), listCard(a, 'education', 'Education', educationBlock)));
            if ((a.recommendations || []).length)
                parts.push(card('How to strengthen this resume', h('ul', { class: 'bullets' }, a.recommendations.map((x) => h('li', {}, x)))));
        }
        if (r.status === 'analyzed') {
            parts.push(matchCard(ctx, r, reload));
            parts.push(h('div', { class: 'grid-2' }, shareCard(r), exportCard(r)));
        }
        mount(ctx.view, ...parts);
    }

    draw();
    if (resume.status === 'pending' || resume.status === 'processing') follow();
}
