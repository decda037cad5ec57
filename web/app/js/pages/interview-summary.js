// The summary of an interview (docs/api.md §4.3): the final score, the breakdown by category,
// strengths and weaknesses, and every question with the answer, its score, feedback and a
// model answer. The questions come weakest first, each folded to its heading and score with a
// jump list above them; printing unfolds them all (and the print style hides the app's frame).

import { api } from '../api.js';
import { barChart } from '../charts.js';
import { formatDateTime, formatDuration, formatScore, h, mount, plural, titleCase } from '../dom.js';
import { button, card, emptyState, gradedBy, pageHeader, scoreBadge, scoreProse, scoreRing } from '../ui.js';
import { CATEGORY_TIPS } from './dashboard.js';
import { practiseAgainHref } from './interviews.js';

function listOr(items, empty) {
    return items && items.length ? h('ul', { class: 'bullets' }, items.map((x) => h('li', {}, scoreProse(x)))) : h('p', { class: 'muted' }, empty);
}

const hasScore = (q) => q.evaluation_score !== null && q.evaluation_score !== undefined;

// The questions weakest first: an unscored one before any scored, then by score, then in the
// order they were asked. Each keeps its number from the interview ("Question 3").
function weakestFirst(questions) {
    return questions.map((q, i) => ({ q, number: i + 1 }))
        .sort((a, b) => (hasScore(a.q) - hasScore(b.q))
            || ((hasScore(a.q) ? a.q.evaluation_score : 0) - (hasScore(b.q) ? b.q.evaluation_score : 0))
            || (a.number - b.number));
}

// One question: its heading and score always shown, the answer and feedback folded under it.
function questionBlock({ q, number }) {
    const id = `question-${number}`;
    return h('li', { class: 'summary-question', id },
        h('div', { class: 'summary-question-head' },
            h('h3', { id: `${id}-title`, tabindex: '-1' }, h('span', { class: 'muted' }, `Question ${number}. `), q.question),
            scoreBadge(q.evaluation_score)),
        h('p', { class: 'list-meta' }, [titleCase(q.category), titleCase(q.difficulty),
            q.time_taken_seconds !== null && q.time_taken_seconds !== undefined ? `answered in ${formatDuration(q.time_taken_seconds)}` : null,
            q.voice_stats ? `spoken at ${Math.round(q.voice_stats.words_per_minute)} words a minute, ${plural(q.voice_stats.filler_count, 'filler word')}` : null].filter(Boolean).join(' · ')),
        h('details', { class: 'summary-question-body' },
            h('summary', {}, h('span', { class: 'when-closed' }, 'Show your answer and the feedback'), h('span', { class: 'when-open' }, 'Hide your answer and the feedback'),
                h('span', { class: 'visually-hidden' }, ` for question ${number}`)),
            h('div', { class: 'qa' },
                h('h4', {}, 'Your answer'),
                h('p', { class: 'answer-text' }, q.answer || 'Not answered.'),
                q.feedback_comment ? [h('h4', {}, 'Feedback'), h('p', {}, scoreProse(q.feedback_comment))] : null,
                gradedBy(q.evaluation_engine),
                h('div', { class: 'grid-2 tight' },
                    h('div', {}, h('h4', {}, 'Strengths'), listOr(q.strengths, 'None noted.')),
                    h('div', {}, h('h4', {}, 'To improve'), listOr(q.improvements, 'Nothing noted.'))),
                q.model_answer ? h('details', { class: 'model-answer', open: true }, h('summary', {}, 'Model answer'), h('p', {}, q.model_answer)) : null,
                // Earlier attempts (docs/api.md §4.2); the answer above is the one that counts.
                (q.attempts || []).length ? h('details', { class: 'summary-attempts' },
                    h('summary', {}, `Earlier attempts (${q.attempts.length})`),
                    h('ol', { class: 'bullets' }, q.attempts.map((t) => h('li', {}, `Attempt ${t.attempt_number}: `,
                        scoreBadge(t.evaluation_score), h('p', { class: 'answer-text' }, t.answer_text))))) : null)));
}

// Links to every question in the order below (weakest first), each with its score; following
// one unfolds the question and moves focus to its heading. The page's address does not change
// (a fragment would make the router draw the page again).
function jumpList(ordered, list) {
    const nav = h('nav', { class: 'jump-list', 'aria-labelledby': 'jump-title' },
        h('h3', { id: 'jump-title' }, 'Jump to a question'),
        h('ol', {}, ordered.map(({ q, number }) => {
            const a = h('a', { href: `#question-${number}` },
                h('span', { class: 'jump-number' }, `Question ${number}`),
                h('span', { class: 'jump-text' }, q.question),
                h('span', { class: 'jump-score' }, hasScore(q) ? `${formatScore(q.evaluation_score)}/100` : formatScore(null)));
            a.addEventListener('click', (e) => {
                const item = list.querySelector(`#question-${number}`);
                if (!item) return;
                e.preventDefault();
                item.querySelector('.summary-question-body').open = true;
                item.scrollIntoView({ block: 'start' });
                item.querySelector('h3').focus({ preventScroll: true });
            });
            return h('li', {}, a);
        })));
    return nav;
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
    const ordered = weakestFirst(sm.questions || []);
    const questionList = h('ol', { class: 'summary-questions' }, ordered.map(questionBlock));
    const bodies = () => [...questionList.querySelectorAll('.summary-question-body')];
    const toggleAll = button('Expand all', { kind: 'secondary', class: 'btn btn-secondary btn-small no-print', 'aria-controls': 'summary-question-list' });
    questionList.id = 'summary-question-list';
    const syncToggle = () => {
        toggleAll.textContent = bodies().every((d) => d.open) ? 'Collapse all' : 'Expand all';
    };
    toggleAll.addEventListener('click', () => {
        const open = !bodies().every((d) => d.open);
        for (const d of bodies()) d.open = open;
        syncToggle();
    });
    questionList.addEventListener('toggle', syncToggle, true);
    // A printed summary is the whole document: unfold every question for the printout, then
    // put them back as they were.
    let folded = [];
    const beforePrint = () => {
        folded = bodies().filter((d) => !d.open);
        for (const d of folded) d.open = true;
    };
    const afterPrint = () => {
        for (const d of folded) d.open = false;
        folded = [];
    };
    window.addEventListener('beforeprint', beforePrint);
    window.addEventListener('afterprint', afterPrint);

    // One link in the header and one after the questions: two elements, as a node can stand in
    // only one place.
    const again = () => h('a', { class: 'btn btn-primary', href: practiseAgainHref(sm) }, 'Practise again');

    mount(ctx.view,
        pageHeader(sm.title, {
            back: { href: '/interviews', label: 'Interviews' },
            lead: `${sm.user_full_name ? `${sm.user_full_name} · ` : ''}Completed ${formatDateTime(sm.completed_at)}`,
            actions: [print, again()],
        }),
        h('section', { class: 'card summary-hero', 'aria-labelledby': 'final-score' },
            h('h2', { id: 'final-score', class: 'visually-hidden' }, 'Final score'),
            scoreRing(sm.final_score, { size: 148, label: 'Final score' }),
            h('div', { class: 'summary-hero-text' },
                h('p', { class: 'summary' }, scoreProse(sm.feedback_summary || '')),
                weakest && CATEGORY_TIPS[weakest.label] ? h('p', { class: 'muted' }, `Next time, in ${titleCase(weakest.label)}: ${CATEGORY_TIPS[weakest.label]}`) : null)),
        h('div', { class: 'grid-2' },
            card('Score breakdown', breakdown.length ? barChart(breakdown, { title: 'Score by category' }) : h('p', { class: 'muted' }, 'No breakdown.')),
            card('Strengths and weaknesses',
                h('h3', {}, 'Strengths'), listOr(sm.strengths, 'None noted.'),
                h('h3', {}, 'Weaknesses'), listOr(sm.weaknesses, 'None noted.'))),
        card('Every question, weakest first',
            h('p', { class: 'muted' }, 'Open a question to see your answer, its feedback and a model answer.'),
            ordered.length > 1 ? h('div', { class: 'summary-tools' }, jumpList(ordered, questionList), toggleAll) : null,
            questionList),
        h('div', { class: 'button-row center no-print' }, again(), h('a', { class: 'btn btn-secondary', href: '/dashboard' }, 'Back to the dashboard')));
    return () => {
        window.removeEventListener('beforeprint', beforePrint);
        window.removeEventListener('afterprint', afterPrint);
    };
}

