// One resume (docs/api.md §5): follows its analysis live, then shows what was found — summary,
// skills, experience, education — with a job-description match, a share link with an
// expiry, exports, re-analysis, renaming and deletion.

import { api, describeError, download } from '../api.js';
import { formatBytes, formatDate, h, mount, plural, relativeTime, titleCase } from '../dom.js';
import { pollUntil } from '../poll.js';
import { navigate } from '../router.js';
import {
    announce, button, card, chip, confirmDialog, copyButton, facts, field, iconGraphic, notice, pageHeader,
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

export function skillsBlock(skills) {
    if (!skills || !skills.length) return h('p', { class: 'muted' }, 'No skills were found in the text.');
    return h('div', { class: 'skill-groups' }, SKILL_GROUPS.map(([cat, label]) => {
        const items = skills.filter((s) => (s.category || 'other') === cat);
        if (!items.length) return null;
        return h('div', { class: 'skill-group' }, h('h3', {}, label), h('div', { class: 'chips' }, items.map((s) => chip(s.name))));
    }));
}

export function experienceBlock(experience) {
    if (!experience || !experience.length) return h('p', { class: 'muted' }, 'No work experience was found in the text.');
    return h('ol', { class: 'timeline' }, experience.map((e) => h('li', {},
        h('h3', {}, e.job_title || e.position || 'Role', e.company ? h('span', { class: 'muted' }, ` · ${e.company}`) : null),
        h('p', { class: 'list-meta' }, dateRange(e.start_date, e.end_date)),
        e.description ? h('p', {}, e.description) : null,
        e.highlights && e.highlights.length ? h('ul', { class: 'bullets' }, e.highlights.map((x) => h('li', {}, x))) : null)));
}

export function educationBlock(education) {
    if (!education || !education.length) return h('p', { class: 'muted' }, 'No education was found in the text.');
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

function overview(r, a) {
    return card('Overview',
        a.summary ? h('p', { class: 'summary' }, a.summary) : null,
        facts([
            ['Likely role', a.inferred_role ? titleCase(a.inferred_role) : null],
            ['Seniority', a.seniority ? titleCase(a.seniority) : null],
            ['Experience', a.years_of_experience !== null && a.years_of_experience !== undefined ? plural(Math.round(a.years_of_experience), 'year') : null],
            ['Location', a.location],
            ['Languages', (a.languages || []).join(', ') || null],
            ['Analysis confidence', a.confidence_score !== null && a.confidence_score !== undefined ? `${Math.round(a.confidence_score * 100)}%` : null],
        ]),
        (a.links || []).length ? h('div', { class: 'links' }, h('h3', {}, 'Links'), h('ul', { class: 'bullets' }, a.links.map((l) => h('li', {}, safeLink(l))))) : null,
        (a.certifications || []).length ? h('div', {}, h('h3', {}, 'Certifications'), h('ul', { class: 'bullets' }, a.certifications.map((c) => h('li', {}, c)))) : null);
}

function matchResult(m) {
    return h('div', { class: 'match-result' },
        h('div', { class: 'match-head' },
            scoreRing(m.match_score, { size: 96, label: 'Match score' }),
            h('div', {},
                h('p', { class: 'list-title' }, m.match_score >= 75 ? 'A strong match' : m.match_score >= 50 ? 'A partial match' : 'A weak match'),
                h('p', { class: 'muted' }, `Checked ${relativeTime(m.created_at)}`))),
        h('div', { class: 'grid-2 tight' },
            h('div', {}, h('h3', {}, 'Skills you have'), m.matched_skills.length ? h('div', { class: 'chips' }, m.matched_skills.map((s) => chip(s, 'chip-good'))) : h('p', { class: 'muted' }, 'None of the listed skills were found.')),
            h('div', {}, h('h3', {}, 'Skills to add or highlight'), m.missing_skills.length ? h('div', { class: 'chips' }, m.missing_skills.map((s) => chip(s, 'chip-warn'))) : h('p', { class: 'muted' }, 'Nothing missing. Nice.'))),
        m.recommendations.length ? h('div', {}, h('h3', {}, 'Recommendations'), h('ul', { class: 'bullets' }, m.recommendations.map((x) => h('li', {}, x)))) : null);
}

function matchCard(ctx, r, reload) {
    const msg = notice('error');
    const result = h('div', { 'aria-live': 'polite' }, r.analysis.job_match ? matchResult(r.analysis.job_match) : null);
    const jd = field({ label: 'Job description', name: 'job_description', multiline: true, rows: 6, maxlength: 10000, required: true, hint: 'Paste the posting. We compare its skills with yours.' });
    const submit = button(r.analysis.job_match ? 'Check again' : 'Check the match', { type: 'submit' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, jd.wrap, submit);
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
        } catch (err) {
            if (err.name === 'AbortError') return;
            setBusy(submit, false);
            msg.show(err.name === 'TaskError' ? `The comparison failed: ${err.message}. Try again.` : describeError(err));
        }
    });
    return card('Match a job description', result, form);
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
        if (a && !a.error && (r.status === 'analyzed' || busy)) {
            parts.push(h('div', { class: 'grid-2' }, overview(r, a), card('Skills', skillsBlock(a.skills))));
            parts.push(h('div', { class: 'grid-2' }, card('Experience', experienceBlock(a.experience)), card('Education', educationBlock(a.education))));
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
