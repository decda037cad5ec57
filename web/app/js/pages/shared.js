// The public view of a shared resume (docs/api.md §5.4): what its owner chose to share, without
// contact details. Anyone with the link can open it; no account is needed.

import { api } from '../api.js';
import { formatDate, h, mount, plural, titleCase } from '../dom.js';
import { card, emptyState, facts, pageHeader } from '../ui.js';
import { educationBlock, experienceBlock, safeLink, skillsBlock } from './resume-detail.js';

export async function render(ctx) {
    let view;
    try {
        view = await api.get(`/resume/sharing/shared/${encodeURIComponent(ctx.params.token)}`, { auth: false, signal: ctx.signal });
    } catch (err) {
        if (err.code !== 'NOT_FOUND') throw err;
        mount(ctx.view, h('div', { class: 'narrow' },
            h('h1', { class: 'visually-hidden', tabindex: '-1' }, 'Shared resume unavailable'),
            emptyState({
                icon: 'lock', title: 'This shared resume is not available',
                text: 'The link may have expired, been replaced by a newer one, or sharing was turned off. Ask the person who sent it for a fresh link.',
                action: h('a', { class: 'btn btn-secondary', href: '/' }, 'About InterviewAce'),
            })));
        return;
    }
    ctx.setTitle(view.name ? `${view.name} — resume` : view.title);
    mount(ctx.view,
        pageHeader(view.name || view.title, {
            lead: [view.inferred_role, view.seniority ? titleCase(view.seniority) : null].filter(Boolean).join(' · ') || 'Shared resume',
        }),
        h('p', { class: 'notice notice-info' }, 'A read-only summary shared through InterviewAce.',
            view.expiry_date ? ` This link works until ${formatDate(view.expiry_date)}.` : ''),
        h('div', { class: 'grid-2' },
            card('Summary',
                view.summary ? h('p', { class: 'summary' }, view.summary) : h('p', { class: 'muted' }, 'No summary yet.'),
                facts([
                    ['Experience', view.years_of_experience !== null && view.years_of_experience !== undefined ? plural(Math.round(view.years_of_experience), 'year') : null],
                    ['Location', view.location],
                    ['Languages', (view.languages || []).join(', ') || null],
                    ['Certifications', (view.certifications || []).join(', ') || null],
                ]),
                (view.links || []).length ? h('ul', { class: 'bullets' }, view.links.map((l) => h('li', {}, safeLink(l)))) : null),
            card('Skills', skillsBlock(view.skills))),
        h('div', { class: 'grid-2' }, card('Experience', experienceBlock(view.experience)), card('Education', educationBlock(view.education))));
}
