// The summary of an interview (docs/api.md §4.3): the final score, the breakdown by category,
// strengths and weaknesses, and every question with the answer, its score, feedback and a
// model answer. It prints cleanly (the print style hides the app's frame).

import { api } from '../api.js';
import { barChart } from '../charts.js';
import { formatDateTime, formatDuration, h, mount, titleCase } from '../dom.js';
import { button, card, emptyState, gradedBy, pageHeader, scoreBadge, scoreRing } from '../ui.js';
import { CATEGORY_TIPS } from './dashboard.js';
import { practiseAgainHref } from './interviews.js';

function listOr(items, empty) {
    return items && items.length ? h('ul', { class: 'bullets' }, items.map((x) => h('li', {}, x))) : h('p', { class: 'muted' }, empty);
}

function questionBlock(q, i) {
    return h('li', { class: 'summary-question' },
        h('div', { class: 'summary-question-head' },
            h('h3', {}, h('span', { class: 'muted' }, `${i + 1}. `), q.question),
            scoreBadge(q.evaluation_score)),
        h('p', { class: 'list-meta' }, [titleCase(q.category), titleCase(q.difficulty),
            q.time_taken_seconds !== null && q.time_taken_seconds !== undefined ? `answered in ${formatDuration(q.time_taken_seconds)}` : null].filter(Boolean).join(' · ')),
        h('div', { class: 'qa' },
            h('h4', {}, 'Your answer'),
            h('p', { class: 'answer-text' }, q.answer || '—'),
            q.feedback_comment ? [h('h4', {}, 'Feedback'), h('p', {}, q.feedback_comment)] : null,
            gradedBy(q.evaluation_engine),
            h('div', { class: 'grid-2 tight' },
                h('div', {}, h('h4', {}, 'Strengths'), listOr(q.strengths, 'None noted.')),
                h('div', {}, h('h4', {}, 'To improve'), listOr(q.improvements, 'Nothing noted.'))),
            q.model_answer ? h('details', { class: 'model-answer', open: true }, h('summary', {}, 'Model answer'), h('p', {}, q.model_answer)) : null,
            // Earlier attempts (docs/api.md §4.2); the answer above is the one that counts.
            (q.attempts || []).length ? h('details', { class: 'summary-attempts' },
                h('summary', {}, `Earlier attempts (${q.attempts.length})`),
                h('ol', { class: 'bullets' }, q.attempts.map((a) => h('li', {}, `Attempt ${a.attempt_number}: `,
                    scoreBadge(a.evaluation_score), h('p', { class: 'answer-text' }, a.answer_text))))) : null));
}

export async function render(ctx) {
    const id = ctx.params.id;
    const sm = await api.get(`/interview/${id}/summary`, { signal: ctx.signal });
    if (sm.status === 'cancelled') {
        mount(ctx.view, pageHeader(sm.title, { back: { href: '/interviews', label: 'Interviews' } }),
            emptyState({
                icon: 'chart', title: 'This interview was cancelled',
                text: 'It stays in your history and does not count towards your averages.',
                action: h('a', { class: 'btn btn-primary', href: practiseAgainHref(sm) }, 'Practise again'),
            }));
        return;
    }
    if (sm.status !== 'completed') {
        mount(ctx.view, pageHeader('Interview summary', { back: { href: '/interviews', label: 'Interviews' } }),
            emptyState({
                icon: 'chart', title: 'This interview is not finished yet',
                text: 'Answer every question and finish the interview to see your score and feedback.',
                action: h('a', { class: 'btn btn-primary', href: `/interviews/${id}` }, sm.status === 'in_progress' ? 'Continue the interview' : 'Open the interview'),
            }));
        return;
    }
    const breakdown = Object.entries(sm.score_breakdown || {})
        .filter(([k]) => k !== 'overall')
        .map(([label, value]) => ({ label, value }))
        .sort((a, b) => b.value - a.value);
    const weakest = breakdown.filter((b) => b.label !== 'communication').slice(-1)[0];
    const print = button('Print or save as PDF', { kind: 'secondary' });
    print.addEventListener('click', () => window.print());
    const again = h('a', { class: 'btn btn-primary', href: practiseAgainHref(sm) }, 'Practise again');

    mount(ctx.view,
        pageHeader(sm.title, {
            back: { href: '/interviews', label: 'Interviews' },
            lead: `${sm.user_full_name ? `${sm.user_full_name} · ` : ''}Completed ${formatDateTime(sm.completed_at)}`,
            actions: [print, again],
        }),
        h('section', { class: 'card summary-hero', 'aria-labelledby': 'final-score' },
            h('h2', { id: 'final-score', class: 'visually-hidden' }, 'Final score'),
            scoreRing(sm.final_score, { size: 148, label: 'Final score' }),
            h('div', { class: 'summary-hero-text' },
                h('p', { class: 'summary' }, sm.feedback_summary || ''),
                weakest && CATEGORY_TIPS[weakest.label] ? h('p', { class: 'muted' }, `Next time, in ${titleCase(weakest.label)}: ${CATEGORY_TIPS[weakest.label]}`) : null)),
        h('div', { class: 'grid-2' },
            card('Score breakdown', breakdown.length ? barChart(breakdown, { title: 'Score by category' }) : h('p', { class: 'muted' }, 'No breakdown.')),
            card('Strengths and weaknesses',
                h('h3', {}, 'Strengths'), listOr(sm.strengths, 'None noted.'),
                h('h3', {}, 'Weaknesses'), listOr(sm.weaknesses, 'None noted.'))),
        card('Every question', h('ol', { class: 'summary-questions' }, sm.questions.map(questionBlock))),
        h('div', { class: 'button-row center no-print' }, again, h('a', { class: 'btn btn-secondary', href: '/dashboard' }, 'Back to the dashboard')));
    return undefined;
}

