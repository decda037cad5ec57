// Correcting a resume's analysis (docs/api.md §5.3, "Corrections"): a form over the fields the
// owner may correct, saved with PATCH /resume/{id}/analysis. Only the fields that changed are
// sent, so that only they count as corrected; the service's 422 items are shown next to the
// field they name, inside lists too ("experience.2.start_date").

import { api, describeError } from '../api.js';
import { h } from '../dom.js';
import { announce, button, field, notice, setBusy } from '../ui.js';

const CATEGORIES = [
    ['language', 'Language'], ['framework', 'Framework'], ['database', 'Database'], ['cloud', 'Cloud'],
    ['tool', 'Tool'], ['soft', 'Soft skill'], ['other', 'Other'],
];
const SENIORITIES = [['', 'Not stated'], ['junior', 'Junior'], ['mid', 'Mid-level'], ['senior', 'Senior'], ['lead', 'Lead']];
const DATE_HINT = 'YYYY-MM or YYYY';

// The text of an input, trimmed; null when empty.
function text(input) {
    const v = input.value.trim();
    return v === '' ? null : v;
}

// Non-empty lines of a textarea.
function lines(input) {
    return input.value.split('\n').map((x) => x.trim()).filter(Boolean);
}

function removeButton(label, onClick) {
    const b = button('Remove', { kind: 'ghost', 'aria-label': label });
    b.addEventListener('click', onClick);
    return b;
}

// A list editor: rows of fields built by makeRow(value), with add and remove.
function listEditor({ legend, items, makeRow, addLabel, empty }) {
    const rows = [];
    const box = h('div', { class: 'edit-list' });
    function add(value) {
        const row = makeRow(value, rows.length);
        const entry = { row, el: null };
        entry.el = h('div', { class: 'edit-row' }, row.el, removeButton(`Remove ${row.label()}`, () => {
            rows.splice(rows.indexOf(entry), 1);
            entry.el.remove();
        }));
        rows.push(entry);
        box.append(entry.el);
        return row;
    }
    (items || []).forEach((v) => add(v));
    const addBtn = button(addLabel, { kind: 'secondary' });
    addBtn.addEventListener('click', () => {
        const row = add(empty());
        row.focus();
    });
    return {
        el: h('fieldset', { class: 'edit-group' }, h('legend', {}, legend), box, addBtn),
        rows: () => rows.map((r) => r.row),
    };
}

function skillRow(s) {
    const name = field({ label: 'Skill', name: 'skill', value: s.name || '', maxlength: 60, required: true });
    const cat = field({ label: 'Kind', name: 'category', value: s.category || 'other', options: CATEGORIES.map(([value, label]) => ({ value, label })) });
    return {
        el: h('div', { class: 'edit-inline' }, name.wrap, cat.wrap),
        fields: { name, category: cat },
        value: () => ({ name: name.input.value.trim(), category: cat.input.value }),
        label: () => name.input.value || 'skill',
        focus: () => name.input.focus(),
        whole: name,
    };
}

function experienceRow(e) {
    const f = {
        job_title: field({ label: 'Job title', name: 'job_title', value: e.job_title || e.position || '', maxlength: 150 }),
        company: field({ label: 'Company', name: 'company', value: e.company || '', maxlength: 150 }),
        start_date: field({ label: 'From', name: 'start_date', value: e.start_date || '', placeholder: DATE_HINT, maxlength: 7 }),
        end_date: field({ label: 'To', name: 'end_date', value: e.end_date || '', placeholder: 'Empty = current', maxlength: 7, hint: DATE_HINT }),
        highlights: field({ label: 'Highlights', name: 'highlights', value: (e.highlights || []).join('\n'), multiline: true, rows: 4, hint: 'One per line' }),
    };
    const whole = h('p', { class: 'field-error', hidden: true });
    return {
        el: h('div', { class: 'edit-entry' }, whole, h('div', { class: 'edit-inline' }, f.job_title.wrap, f.company.wrap),
            h('div', { class: 'edit-inline' }, f.start_date.wrap, f.end_date.wrap), f.highlights.wrap),
        fields: f,
        value: () => ({
            job_title: text(f.job_title.input), company: text(f.company.input), start_date: text(f.start_date.input),
            end_date: text(f.end_date.input), description: e.description || null, highlights: lines(f.highlights.input),
        }),
        label: () => f.job_title.input.value || f.company.input.value || 'position',
        focus: () => f.job_title.input.focus(),
        whole: { setError: (t) => { whole.textContent = t || ''; whole.hidden = !t; } },
    };
}

function educationRow(e) {
    const f = {
        degree: field({ label: 'Degree', name: 'degree', value: e.degree || '', maxlength: 150 }),
        field_of_study: field({ label: 'Field of study', name: 'field_of_study', value: e.field_of_study || '', maxlength: 150 }),
        institution: field({ label: 'Institution', name: 'institution', value: e.institution || '', maxlength: 150 }),
        start_date: field({ label: 'From', name: 'start_date', value: e.start_date || '', placeholder: DATE_HINT, maxlength: 7 }),
        end_date: field({ label: 'To', name: 'end_date', value: e.end_date || '', placeholder: DATE_HINT, maxlength: 7 }),
        gpa: field({ label: 'Grade', name: 'gpa', value: e.gpa || '', maxlength: 20 }),
    };
    const whole = h('p', { class: 'field-error', hidden: true });
    return {
        el: h('div', { class: 'edit-entry' }, whole, h('div', { class: 'edit-inline' }, f.degree.wrap, f.field_of_study.wrap),
            f.institution.wrap, h('div', { class: 'edit-inline' }, f.start_date.wrap, f.end_date.wrap, f.gpa.wrap)),
        fields: f,
        value: () => Object.fromEntries(Object.entries(f).map(([k, x]) => [k, text(x.input)])),
        label: () => f.degree.input.value || f.institution.input.value || 'education',
        focus: () => f.degree.input.focus(),
        whole: { setError: (t) => { whole.textContent = t || ''; whole.hidden = !t; } },
    };
}

// The comparable form of a field's value, so that an unchanged field is not sent.
function same(a, b) {
    return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// The editor of analysis a of resume id; onSaved(view) gets the service's answer.
export function analysisEditor({ id, analysis: a, onSaved, onCancel }) {
    const msg = notice('error');
    const single = {
        name: field({ label: 'Name', name: 'name', value: a.name || '', maxlength: 100 }),
        headline: field({ label: 'Headline', name: 'headline', value: a.headline || '', maxlength: 200, hint: 'The title line under your name' }),
        location: field({ label: 'Location', name: 'location', value: a.location || '', maxlength: 200 }),
        inferred_role: field({ label: 'Role', name: 'inferred_role', value: a.inferred_role || '', maxlength: 100 }),
        seniority: field({ label: 'Seniority', name: 'seniority', value: a.seniority || '', options: SENIORITIES.map(([value, label]) => ({ value, label })) }),
        years_of_experience: field({ label: 'Years of experience', name: 'years_of_experience', type: 'number', min: 0, max: 70, value: a.years_of_experience ?? '', inputmode: 'decimal' }),
        summary: field({ label: 'Summary', name: 'summary', value: a.summary || '', multiline: true, rows: 4, maxlength: 3000 }),
        certifications: field({ label: 'Certifications', name: 'certifications', value: (a.certifications || []).join('\n'), multiline: true, rows: 3, hint: 'One per line' }),
        languages: field({ label: 'Languages', name: 'languages', value: (a.languages || []).join('\n'), multiline: true, rows: 3, hint: 'One per line, with your level as you like: "German (C1)"' }),
    };
    const skills = listEditor({ legend: 'Skills', items: a.skills, makeRow: skillRow, addLabel: 'Add a skill', empty: () => ({ name: '', category: 'other' }) });
    const experience = listEditor({ legend: 'Experience', items: a.experience, makeRow: experienceRow, addLabel: 'Add a position', empty: () => ({}) });
    const education = listEditor({ legend: 'Education', items: a.education, makeRow: educationRow, addLabel: 'Add education', empty: () => ({}) });

    function values() {
        const years = single.years_of_experience.input.value.trim();
        return {
            name: text(single.name.input), headline: text(single.headline.input), location: text(single.location.input),
            inferred_role: text(single.inferred_role.input), seniority: single.seniority.input.value || null,
            years_of_experience: years === '' ? null : Number(years), summary: text(single.summary.input),
            certifications: lines(single.certifications.input), languages: lines(single.languages.input),
            skills: skills.rows().map((r) => r.value()).filter((s) => s.name),
            experience: experience.rows().map((r) => r.value()),
            education: education.rows().map((r) => r.value()),
        };
    }

    // What changed against the stored analysis: only those fields are sent.
    function changes() {
        const v = values();
        const before = {
            ...a,
            experience: (a.experience || []).map((e) => ({
                job_title: e.job_title || e.position || null, company: e.company || null, start_date: e.start_date || null,
                end_date: e.end_date || null, description: e.description || null, highlights: e.highlights || [],
            })),
            education: (a.education || []).map((e) => ({
                degree: e.degree || null, field_of_study: e.field_of_study || null, institution: e.institution || null,
                start_date: e.start_date || null, end_date: e.end_date || null, gpa: e.gpa || null,
            })),
            skills: (a.skills || []).map((s) => ({ name: s.name, category: s.category || 'other' })),
        };
        const out = {};
        for (const [k, value] of Object.entries(v)) {
            if (k === 'headline' && !('headline' in a) && value === null) continue;
            if (!same(value, before[k] ?? (Array.isArray(value) ? [] : null))) {
                // A cleared text field is sent as "" (null would mean "leave it").
                out[k] = value === null && typeof (before[k]) === 'string' ? '' : value;
                if (value === null && k === 'years_of_experience') delete out[k];
                if (value === null && k === 'seniority') delete out[k];
            }
        }
        return out;
    }

    function allFields() {
        const list = Object.values(single);
        for (const group of [skills, experience, education])
            for (const r of group.rows()) list.push(...Object.values(r.fields));
        return list;
    }

    // Puts each 422 item next to the input its loc names; returns true when one was placed.
    function showErrors(err) {
        let placed = false;
        for (const f of allFields()) f.setError(null);
        for (const group of [skills, experience, education]) for (const r of group.rows()) r.whole.setError(null);
        for (const item of Array.isArray(err.detail) ? err.detail : []) {
            const [, name, index, sub] = item.loc;
            let target = null;
            if (index === undefined) target = single[name];
            else {
                const group = { skills, experience, education }[name];
                const row = group ? group.rows()[index] : null;
                if (!row && single[name]) target = single[name]; // a line of a one-per-line list
                else if (row) target = sub && row.fields[sub] ? row.fields[sub] : row.whole;
            }
            if (target) {
                target.setError(item.msg);
                placed = true;
            }
        }
        const first = allFields().find((f) => f.input.getAttribute('aria-invalid') === 'true');
        if (first) first.input.focus();
        return placed;
    }

    const save = button('Save corrections', { type: 'submit' });
    const cancel = button('Cancel', { kind: 'secondary' });
    cancel.addEventListener('click', onCancel);
    const form = h('form', { class: 'form analysis-edit', novalidate: true, 'aria-label': 'Correct the analysis' },
        msg.el,
        h('p', { class: 'muted' }, 'Correct anything we read wrong. Your corrections are used for your interview questions, job matches and your share link; the original reading is kept.'),
        h('div', { class: 'edit-inline' }, single.name.wrap, single.headline.wrap),
        h('div', { class: 'edit-inline' }, single.location.wrap, single.inferred_role.wrap),
        h('div', { class: 'edit-inline' }, single.seniority.wrap, single.years_of_experience.wrap),
        single.summary.wrap, skills.el, experience.el, education.el,
        h('div', { class: 'edit-inline' }, single.certifications.wrap, single.languages.wrap),
        h('div', { class: 'button-row' }, save, cancel));
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        const body = changes();
        if (!Object.keys(body).length) {
            onCancel();
            return;
        }
        setBusy(save, true, 'Saving…');
        try {
            const view = await api.patch(`/resume/${id}/analysis`, body);
            announce('Corrections saved.');
            onSaved(view);
        } catch (err) {
            setBusy(save, false);
            if (err.code === 'VALIDATION_ERROR' && showErrors(err)) msg.show('Some fields need your attention.');
            else msg.show(describeError(err));
        }
    });
    return form;
}
