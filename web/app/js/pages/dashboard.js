// The dashboard (docs/api.md §6): how practice is going at a glance — counts, the score trend,
// scores by category, the weakest areas with what to do about them, recent sessions and the
// two things to do next.

import { api } from '../api.js';
import { barChart, lineChart, trendPoints } from '../charts.js';
import { formatDateTime, formatScore, h, mount, plural, titleCase } from '../dom.js';
import { currentUser } from '../session.js';
import { card, emptyState, pageHeader, scoreBadge, statCard, statusBadge } from '../ui.js';

export const CATEGORY_TIPS = {
    technical: 'Explain why you chose an approach, not only what you did.',
    behavioral: 'Structure answers as situation, task, action and result.',
    project: 'Name your own contribution and quantify the outcome.',
    system_design: 'Start from requirements and constraints, then weigh the trade-offs.',
    coding: 'Talk through edge cases and the complexity of your solution.',
    general: 'Lead with a headline, back it with evidence, close with a takeaway.',
    communication: 'Keep answers focused and structured; finish with a clear conclusion.',
};

export function sessionLink(session) {
    const id = session.session_id || session.id;
    return session.status === 'completed' ? `/interviews/${id}/summary` : `/interviews/${id}`;
}

function recentList(sessions) {
    if (!sessions.length)
        return emptyState({
            icon: 'chart', title: 'No sessions yet',
            text: 'Your interviews will be listed here as you do them.',
        });
    return h('ul', { class: 'list' }, sessions.map((s) => h('li', { class: 'list-row' },
        h('div', { class: 'list-main' },
            h('a', { class: 'list-title', href: sessionLink(s) }, s.title),
            h('p', { class: 'list-meta' }, `${formatDateTime(s.started_at)} · ${titleCase(s.difficulty)}`)),
        statusBadge(s.status),
        scoreBadge(s.final_score))));
}

// A score in a stat card: the number, or "No score yet" in the card's smaller type.
function statScore(score) {
    return score === null || score === undefined ? h('span', { class: 'stat-none' }, formatScore(score)) : formatScore(score);
}

export async function render(ctx) {
    const stats = await api.get('/dashboard/stats', { signal: ctx.signal });
    const user = currentUser();
    const first = (user.full_name || '').split(' ')[0] || 'there';
    const welcome = ctx.query.get('welcome');
    const iv = stats.interviews;
    const actions = [
        h('a', { class: 'btn btn-primary', href: '/interviews/new' }, 'Start an interview'),
        h('a', { class: 'btn btn-secondary', href: '/resumes/new' }, 'Upload a resume'),
    ];
    const header = pageHeader(welcome ? `Welcome, ${first}!` : `Welcome back, ${first}`, {
        lead: iv.total === 0
            ? 'Start with your resume, then practise your first interview.'
            : `You've completed ${plural(iv.completed, 'interview')}. Keep going.`,
        actions,
    });
    const cards = h('div', { class: 'stats' },
        statCard('Interviews completed', String(iv.completed), `${plural(iv.total, 'session')} in total`),
        statCard('Average score', statScore(iv.avg_score), iv.avg_score === null ? 'After your first interview' : 'out of 100'),
        statCard('Best score', statScore(iv.best_score), iv.best_score === null ? 'After your first interview' : 'out of 100'),
        statCard('Resumes', String(stats.resumes.total), stats.resumes.total ? h('a', { href: '/resumes' }, 'Manage resumes') : h('a', { href: '/resumes/new' }, 'Upload your first')));

    const trend = stats.score_trend || [];
    const trendCard = card('Score trend', trend.length
        ? lineChart(trendPoints(trend, iv.completed), { title: 'Final score of each completed interview' })
        : emptyState({
            icon: 'chart', title: 'Your trend starts with your first interview',
            text: 'Complete an interview and your final score shows up here; every one after it draws the line.',
            action: h('a', { class: 'btn btn-primary', href: '/interviews/new' }, 'Start an interview'),
        }));

    const categories = Object.entries(stats.category_breakdown || {})
        .map(([label, v]) => ({ label, value: v.avg_score, count: v.count }))
        .sort((a, b) => b.value - a.value);
    const categoryCard = card('Scores by category', categories.length
        ? barChart(categories, { title: 'Average answer score by question category' })
        : h('p', { class: 'muted' }, 'Answer a few questions to see how you do in each category.'));

    const weakest = stats.weakest_categories || [];
    const weakCard = card('Areas to work on', weakest.length
        ? h('ul', { class: 'list' }, weakest.map((w) => h('li', { class: 'list-row' },
            h('div', { class: 'list-main' },
                h('p', { class: 'list-title' }, titleCase(w.category)),
                h('p', { class: 'list-meta' }, CATEGORY_TIPS[w.category] || 'Practise a few more of these.')),
            scoreBadge(w.avg_score),
            h('a', { class: 'btn btn-secondary btn-small', href: `/interviews/new?focus=${encodeURIComponent(w.category)}`, 'aria-label': `Practise ${titleCase(w.category)} questions` }, 'Practise'))))
        : h('p', { class: 'muted' }, 'Once your answers are scored, the categories that need the most work appear here.'));

    const recentCard = card('Recent sessions', recentList(stats.recent_sessions || []),
        (stats.recent_sessions || []).length ? h('p', { class: 'card-footer' }, h('a', { href: '/interviews' }, 'See all interviews')) : null);

    mount(ctx.view, header, cards,
        h('div', { class: 'grid-2' }, trendCard, categoryCard),
        h('div', { class: 'grid-2' }, weakCard, recentCard));
}
