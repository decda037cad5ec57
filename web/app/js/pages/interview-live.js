// A live interview (docs/api.md §4): waits while the questions are prepared, then asks them one
// at a time with the question number, category and difficulty, a timer, a character counter
// and dictation where the browser has speech recognition. Feedback on each answer appears
// beside the interview as soon as it is scored; once every question is answered, completing
// scores the whole interview and opens its summary. The session can be cancelled or deleted from
// here (docs/api.md §4.5); Ctrl+Enter (Cmd+Enter) submits an answer. A scored answer can be
// tried again (§4.2): the attempts then show side by side, with the score before and after and
// the points the new attempt covers that the earlier one did not. The answer being typed is
// saved as a server-side draft after a pause and restored on any device; leaving the page with
// a change not yet saved asks first. A follow-up question (§4.6) says which question it follows
// up, and one that arrives after the last planned answer is asked before finishing. With a time
// limit per answer (§4.1) the timer counts down and warns before the end.

import { api, describeError } from '../api.js';
import { formatDuration, formatScore, h, mount, plural, titleCase, uniqueId } from '../dom.js';
import { pollUntil, sleep } from '../poll.js';
import { navigate } from '../router.js';
import {
    announce, button, card, chip, confirmDialog, emptyState, gradedBy, iconGraphic, loading, notice, pageHeader, scoreBadge, setBusy,
    spinner, toast,
} from '../ui.js';
import { counter, deleteSession, practiseAgainHref } from './interviews.js';

const ANSWER_MAX = 5000;
const DRAFT_DELAY_MS = 1500; // a pause in typing before the draft is saved (docs/api.md §4.2)
const NO_DRAFT = Object.freeze({ dirty: () => false, flush: async () => {}, drop: () => {} }); // no question on screen
const ATTEMPTS_MAX = 5; // answers to one question, the first included (docs/api.md §4.2)

function speechRecognition() {
    return window.SpeechRecognition || window.webkitSpeechRecognition || null;
}

// A dictation button for a text area. Where the browser cannot recognise speech the button is
// disabled and says why. It times the dictation, so that a dictated answer can be sent with how
// long it was spoken (docs/api.md §4.2): seconds() is that time, or null when nothing was
// dictated into the answer.
function dictation(textarea, status) {
    const Recognition = speechRecognition();
    const btn = button('Dictate', { kind: 'secondary', 'aria-pressed': 'false', class: 'btn btn-secondary dictate' });
    btn.prepend(iconGraphic('mic', 'inline-icon'));
    if (!Recognition) {
        const why = h('span', { class: 'dictate-unsupported muted', id: uniqueId('dictate-why') },
            'Dictation is not available in this browser; type your answer.');
        btn.disabled = true;
        btn.setAttribute('aria-describedby', why.id);
        return { el: h('span', { class: 'dictate-wrap' }, btn, why), stop: () => {}, seconds: () => null };
    }
    let rec = null;
    let spokenMs = 0;
    let since = 0;
    let dictated = false;
    const stop = () => {
        if (rec) rec.stop();
    };
    btn.addEventListener('click', () => {
        if (rec) {
            stop();
            return;
        }
        rec = new Recognition();
        rec.continuous = true;
        rec.interimResults = false;
        rec.lang = document.documentElement.lang || 'en';
        rec.onresult = (e) => {
            for (let i = e.resultIndex; i < e.results.length; i++) {
                if (!e.results[i].isFinal) continue;
                const text = e.results[i][0].transcript.trim();
                if (!text) continue;
                const sep = textarea.value && !/\s$/.test(textarea.value) ? ' ' : '';
                textarea.value = `${textarea.value}${sep}${text}`;
                dictated = true;
                textarea.dispatchEvent(new Event('input'));
            }
        };
        rec.onerror = (e) => {
            const why = {
                'not-allowed': 'Dictation needs microphone access. Allow it in your browser, then try again.',
                'service-not-allowed': 'Dictation needs microphone access. Allow it in your browser, then try again.',
                network: 'Dictation needs an internet connection in this browser. Type your answer instead.',
                'no-speech': "We didn't hear anything. Check your microphone and try again.",
                'audio-capture': 'No microphone was found. Connect one, or type your answer.',
            }[e.error] || 'Dictation stopped. Type your answer or try again.';
            status.show(why, 'info');
        };
        rec.onstart = () => {
            since = Date.now();
            btn.setAttribute('aria-pressed', 'true');
            btn.lastChild.textContent = 'Stop dictating';
            btn.classList.add('recording');
            announce('Listening. Speak your answer.');
        };
        rec.onend = () => {
            if (since) spokenMs += Date.now() - since;
            since = 0;
            rec = null;
            btn.setAttribute('aria-pressed', 'false');
            btn.lastChild.textContent = 'Dictate';
            btn.classList.remove('recording');
        };
        try {
            rec.start();
        } catch (err) {
            rec = null;
            status.show('Dictation could not start. Type your answer instead.', 'info');
        }
    });
    const seconds = () => {
        if (!dictated) return null;
        const ms = spokenMs + (since ? Date.now() - since : 0);
        return Math.min(3600, Math.max(1, Math.round(ms / 1000)));
    };
    return { el: btn, stop, seconds };
}

// The answer body's voice fields: a dictated answer says how long it was spoken.
function voiceFields(dictate) {
    const seconds = dictate ? dictate.seconds() : null;
    return seconds ? { voice_seconds: seconds } : {};
}

// "Spoken at 132 words a minute · 3 filler words" for a dictated answer, else null.
function voiceNote(q) {
    const v = q.voice_stats;
    if (!v) return null;
    return h('p', { class: 'voice-stats muted' }, iconGraphic('mic', 'inline-icon'),
        ` Spoken at ${Math.round(v.words_per_minute)} words a minute · ${plural(v.filler_count, 'filler word')}`,
        ' ("um", "uh", "like", "you know")');
}

// The last two attempts at a question side by side: score before and after, and the
// strengths the newer attempt earned that the earlier one did not.
function attemptsCompare(q) {
    const before = q.attempts[q.attempts.length - 1];
    const col = (label, a, text) => h('div', { class: 'attempt-col' },
        h('p', { class: 'attempt-label' }, label, ' ', scoreBadge(a.evaluation_score)),
        h('p', { class: 'attempt-answer' }, text.length > 220 ? `${text.slice(0, 220)}…` : text));
    // The change, written in the same format as the scores themselves.
    const diff = before.evaluation_score === null || q.evaluation_score === null ? null
        : q.evaluation_score - before.evaluation_score;
    const delta = diff === null ? null : `${diff >= 0 ? '+' : '−'}${formatScore(Math.abs(diff))}`;
    const had = new Set(before.strengths || []);
    const fresh = (q.strengths || []).filter((x) => !had.has(x));
    return h('div', { class: 'attempts-compare' },
        h('h4', {}, `Attempt ${before.attempt_number} and attempt ${q.attempt_number}`),
        h('div', { class: 'attempts-grid' },
            col(`Attempt ${before.attempt_number}`, before, before.answer_text),
            col(`Attempt ${q.attempt_number}`, q, q.answer_text || '')),
        delta === null ? null : h('p', { class: 'attempt-delta' },
            `Score ${formatScore(before.evaluation_score)} → ${formatScore(q.evaluation_score)} (${delta})`),
        h('h4', {}, 'Newly covered'),
        fresh.length ? h('ul', { class: 'bullets' }, fresh.map((x) => h('li', {}, x)))
            : h('p', { class: 'muted' }, 'Nothing the earlier attempt lacked.'));
}

// "Follow-up to question N" for a follow-up, else null.
function followUpNote(parentId, questions) {
    const parent = parentId ? questions.find((x) => x.id === parentId) : null;
    return parent ? `Follow-up to question ${parent.order_index + 1}` : null;
}

function feedbackItem(q, number, onRetry, questions) {
    // A heading, so that Strengths / To improve / Model answer nest under it.
    const head = h('h3', { class: 'feedback-head' },
        h('span', {}, `Question ${number} · ${titleCase(q.category)}`),
        q.evaluation_status === 'evaluated' ? scoreBadge(q.evaluation_score) : null);
    let body;
    if (q.evaluation_status === 'pending')
        body = h('p', { class: 'muted feedback-wait' }, spinner(), 'Scoring your answer…');
    else if (q.evaluation_status === 'failed')
        body = h('p', { class: 'muted' }, "This answer couldn't be scored yet; it will be when you finish the interview.");
    else
        body = [
            q.feedback_comment ? h('p', {}, q.feedback_comment) : null,
            gradedBy(q.evaluation_engine),
            h('details', {},
                h('summary', {}, 'Strengths, improvements and a model answer'),
                (q.strengths || []).length ? h('div', {}, h('h4', {}, 'Strengths'), h('ul', { class: 'bullets' }, q.strengths.map((x) => h('li', {}, x)))) : null,
                (q.improvements || []).length ? h('div', {}, h('h4', {}, 'To improve'), h('ul', { class: 'bullets' }, q.improvements.map((x) => h('li', {}, x)))) : null,
                q.model_answer ? h('div', {}, h('h4', {}, 'Model answer'), h('p', {}, q.model_answer)) : null),
        ];
    const attempts = q.attempts || [];
    const canRetry = onRetry && ['evaluated', 'failed'].includes(q.evaluation_status) && (q.attempt_number || 1) < ATTEMPTS_MAX;
    const retry = canRetry ? button('Try again', { kind: 'secondary', class: 'btn btn-secondary btn-small', 'aria-label': `Try again: question ${number}` }) : null;
    if (retry) retry.addEventListener('click', () => onRetry(q));
    return h('li', { class: `feedback-item status-${q.evaluation_status}`, dataset: { question: q.id } }, head,
        q.parent_id ? h('p', { class: 'muted follow-up-note' }, followUpNote(q.parent_id, questions)) : null,
        h('p', { class: 'feedback-question' }, q.question_text), voiceNote(q), body,
        attempts.length && q.evaluation_status === 'evaluated' ? attemptsCompare(q) : null,
        attempts.length && q.evaluation_status !== 'evaluated' ? h('p', { class: 'muted' }, `Attempt ${q.attempt_number}; the earlier ones are kept.`) : null,
        retry);
}

export async function render(ctx) {
    const id = ctx.params.id;
    let session = await api.get(`/interview/${id}`, { signal: ctx.signal });
    if (session.status === 'completed') return navigate(`/interviews/${id}/summary`, { replace: true });

    let timer = null;
    let dictate = null;
    // The question on screen's draft: whether a change is not saved yet, and how to save it now.
    let draft = NO_DRAFT;
    const stopTimer = () => {
        if (timer) clearInterval(timer);
        timer = null;
    };
    const onBeforeUnload = (e) => {
        if (!draft.dirty()) return;
        e.preventDefault();
        e.returnValue = '';
    };
    // A link followed with a change not saved yet asks first (capture phase: before the router).
    const onLinkClick = async (e) => {
        const a = e.target.closest && e.target.closest('a[href]');
        if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target || !draft.dirty()) return;
        const url = new URL(a.href, window.location.href);
        if (url.origin !== window.location.origin) return;
        e.preventDefault();
        e.stopPropagation();
        const ok = await confirmDialog({
            title: 'Leave this question?',
            body: 'Your latest changes to this answer are not saved as a draft yet.',
            confirmLabel: 'Save draft and leave',
            action: () => draft.flush(),
        });
        if (ok) await navigate(url.pathname + url.search);
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onLinkClick, true);
    const cleanup = () => {
        stopTimer();
        draft.drop();
        if (dictate) dictate.stop();
        window.removeEventListener('beforeunload', onBeforeUnload);
        document.removeEventListener('click', onLinkClick, true);
    };

    const cancelBtn = button('Cancel interview', { kind: 'secondary', class: 'btn btn-secondary btn-small' });
    const deleteBtn = button('Delete', { kind: 'secondary', class: 'btn btn-secondary btn-small' });
    const header = pageHeader(session.title, {
        back: { href: '/interviews', label: 'Interviews' },
        lead: `${titleCase(session.difficulty)} · ${plural(session.question_count, 'question')}`,
        actions: [cancelBtn, deleteBtn],
    });
    cancelBtn.hidden = !['preparing', 'in_progress'].includes(session.status);
    cancelBtn.addEventListener('click', async () => {
        const ok = await confirmDialog({
            title: 'Cancel this interview?',
            body: 'It stays in your history as cancelled, takes no more answers and does not count towards your averages.',
            confirmLabel: 'Cancel interview', danger: true,
            action: async () => {
                session = { ...session, ...await api.post(`/interview/${id}/cancel`), questions: session.questions };
            },
        });
        if (!ok) return;
        cleanup();
        toast('Interview cancelled.', 'success');
        showCancelled();
    });
    deleteBtn.addEventListener('click', async () => {
        if (!await deleteSession(session)) return;
        cleanup();
        await navigate('/interviews', { replace: true });
    });
    const stage = h('div', { class: 'interview-stage' });
    const feedbackList = h('ol', { class: 'feedback-list' });
    const feedbackEmpty = h('p', { class: 'muted' }, 'Your scored answers appear here as you go.');
    const side = h('aside', { class: 'interview-side card', 'aria-labelledby': 'fb-title' },
        h('h2', { id: 'fb-title', class: 'card-title' }, 'Feedback'),
        h('div', { 'aria-live': 'polite' }, feedbackEmpty, feedbackList));
    // The start's notices (docs/api.md §4.1), left by the start page for this one visit.
    let notes = [];
    try {
        notes = JSON.parse(sessionStorage.getItem(`ia-notices:${id}`) || '[]');
        sessionStorage.removeItem(`ia-notices:${id}`);
    } catch { /* no storage or unreadable: no notices */ }
    const noticeBox = Array.isArray(notes) && notes.length
        ? h('div', { class: 'notice notice-info', role: 'status' }, h('ul', { class: 'bullets' }, notes.map((m) => h('li', {}, String(m)))))
        : null;
    mount(ctx.view, header, noticeBox, h('div', { class: 'interview-layout' }, stage, side));

    const announced = new Set();
    function drawFeedback() {
        const answered = session.questions.filter((q) => q.evaluation_status !== 'not_answered');
        feedbackEmpty.hidden = answered.length > 0;
        const open = new Set([...feedbackList.querySelectorAll('details[open]')].map((d) => d.closest('li').dataset.question));
        const onRetry = session.status === 'in_progress' ? retryQuestion : null;
        mount(feedbackList, answered.slice().reverse().map((q) => feedbackItem(q, q.order_index + 1, onRetry, session.questions)));
        for (const li of feedbackList.children) if (open.has(li.dataset.question)) li.querySelector('details')?.setAttribute('open', '');
        for (const q of answered)
            if (q.evaluation_status === 'evaluated' && !announced.has(q.id)) {
                announced.add(q.id);
                announce(`Feedback ready for question ${q.order_index + 1}: ${formatScore(q.evaluation_score)} out of 100.`);
            }
    }
    for (const q of session.questions) if (q.evaluation_status === 'evaluated') announced.add(q.id);

    let watching = false;
    // Refreshes the session while answers are being scored, so that their feedback appears.
    async function watchFeedback() {
        if (watching) return;
        watching = true;
        try {
            let wait = 1000;
            while (!ctx.signal.aborted && session.questions.some((q) => q.evaluation_status === 'pending')) {
                await sleep(wait, ctx.signal);
                wait = Math.min(4000, Math.round(wait * 1.25));
                try {
                    const fresh = await api.get(`/interview/${id}`, { signal: ctx.signal });
                    if (fresh.status === 'completed') return;
                    session = fresh;
                    drawFeedback();
                    // A follow-up added after the last answer is asked before finishing.
                    if (finishing && session.questions.some((q) => q.answer_text === null)) await carryOn();
                } catch (err) {
                    if (err.name === 'AbortError') return;
                }
            }
        } catch (err) {
            if (err.name !== 'AbortError') throw err;
        } finally {
            watching = false;
        }
    }

    function showPreparing() {
        mount(stage, card(null, h('div', { class: 'analysis-progress', role: 'status' }, spinner(),
            h('div', {},
                h('p', { class: 'list-title' }, 'Preparing your questions…'),
                h('p', { class: 'muted' }, `Choosing ${plural(session.question_count, 'question')} for you. This takes a few seconds.`)))));
    }

    function showFailed() {
        cancelBtn.hidden = true;
        mount(stage, h('div', { class: 'state state-error', role: 'alert' },
            iconGraphic('alert'),
            h('h2', { class: 'state-title' }, "This interview couldn't be prepared"),
            h('p', {}, session.error || 'Preparing the questions failed.'),
            h('a', { class: 'btn btn-primary', href: '/interviews/new' }, 'Start a new interview')));
    }

    function showCancelled() {
        stopTimer();
        draft = NO_DRAFT;
        cancelBtn.hidden = true;
        mount(stage, h('div', { class: 'state', role: 'status' },
            iconGraphic('alert'),
            h('h2', { class: 'state-title' }, 'This interview was cancelled'),
            h('p', {}, 'It stays in your history and does not count towards your averages.'),
            h('a', { class: 'btn btn-primary', href: practiseAgainHref(session) }, 'Practise again')));
    }

    let finishing = false;
    function showFinish() {
        finishing = true;
        stopTimer();
        draft.drop();
        draft = NO_DRAFT;
        const msg = notice('error');
        const finish = button('Finish and see my results', { class: 'btn btn-primary btn-large' });
        finish.addEventListener('click', async () => {
            setBusy(finish, true, 'Scoring your interview…');
            msg.hide();
            try {
                const { task_id: taskId } = await api.post(`/interview/${id}/complete`);
                announce('Scoring your interview.');
                const task = await pollUntil(() => api.get(`/tasks/${taskId}`, { signal: ctx.signal }), {
                    signal: ctx.signal, done: (t) => t.status === 'SUCCESS' || t.status === 'FAILURE',
                });
                if (task.status === 'FAILURE') {
                    setBusy(finish, false);
                    msg.show(`Scoring failed: ${task.error || 'unknown reason'}. Your answers are kept; try again.`);
                    return;
                }
                await navigate(`/interviews/${id}/summary`, { replace: true });
            } catch (err) {
                if (err.name === 'AbortError') return;
                setBusy(finish, false);
                if (err.code === 'ALREADY_COMPLETED') {
                    await navigate(`/interviews/${id}/summary`, { replace: true });
                    return;
                }
                if (err.code === 'UNANSWERED_QUESTIONS') {
                    announce('There is a follow-up question to answer first.');
                    await carryOn();
                    return;
                }
                msg.show(describeError(err));
            }
        });
        mount(stage, card(null, h('div', { class: 'finish' },
            iconGraphic('check', 'state-icon success'),
            h('h2', { tabindex: '-1' }, 'All questions answered'),
            h('p', {}, 'Nicely done. Finish to get your overall score, a breakdown by category, and feedback on every answer.'),
            msg.el, finish)));
        stage.querySelector('h2').focus();
    }

    // Answers a scored question again (docs/api.md §4.2), then carries on where the interview was.
    function retryQuestion(q) {
        showQuestion({
            question_id: q.id, question_text: q.question_text, category: q.category, difficulty: q.difficulty,
            number: q.order_index + 1, total: session.questions.length,
        }, q);
        window.scrollTo({ top: 0 });
    }

    async function carryOn() {
        const next = await api.get(`/interview/${id}/next`, { signal: ctx.signal });
        if (next) showQuestion(next);
        else showFinish();
    }

    // Saves the answer being typed as the question's draft after a pause (docs/api.md §4.2).
    function draftKeeper(answer, questionId, status) {
        const stored = session.questions.find((q) => q.id === questionId);
        let saved = stored && stored.draft_text ? stored.draft_text : '';
        let wait = null;
        let failed = false;
        const dirty = () => answer.value.trim() !== saved.trim();
        const save = async () => {
            clearTimeout(wait);
            wait = null;
            const text = answer.value;
            if (text.trim() === saved.trim() || [...text].length > ANSWER_MAX) return;
            status.textContent = 'Saving draft…';
            await api.put(`/interview/${id}/questions/${questionId}/draft`, { draft_text: text });
            saved = text;
            failed = false;
            if (stored) stored.draft_text = text.trim() || null;
            status.textContent = dirty() ? '' : 'Draft saved';
        };
        answer.addEventListener('input', () => {
            clearTimeout(wait);
            if (!failed) status.textContent = '';
            wait = setTimeout(() => save().catch((err) => {
                if (err.name === 'AbortError') return;
                failed = true;
                status.textContent = 'Draft not saved; it will be tried again as you type.';
            }), DRAFT_DELAY_MS);
        });
        return {
            restored: saved,
            dirty,
            flush: save,
            drop: () => clearTimeout(wait),
            submitted: () => {
                clearTimeout(wait);
                saved = answer.value;
            },
        };
    }

    function showQuestion(next, retrying = null) {
        finishing = false;
        stopTimer();
        draft.drop();
        const msg = notice('error');
        const dictationStatus = notice('info');
        const answer = h('textarea', { id: 'answer', name: 'answer_text', rows: 10, maxlength: String(ANSWER_MAX), 'aria-describedby': 'answer-hint answer-counter' });
        const draftStatus = h('span', { class: 'draft-status muted', role: 'status' });
        const keeper = draftKeeper(answer, next.question_id, draftStatus);
        draft = keeper;
        if (keeper.restored) {
            answer.value = keeper.restored;
            draftStatus.textContent = 'Draft restored';
        }
        const count = counter(answer, ANSWER_MAX);
        count.id = 'answer-counter';
        dictate = dictation(answer, dictationStatus);
        const started = Date.now();
        const limit = (session.time_limit_minutes || 0) * 60;
        const warnAt = limit === 60 ? 15 : 30;
        const clock = h('span', { class: 'timer', role: 'timer', 'aria-live': 'off' }, limit ? formatDuration(limit) : '0:00');
        let warned = false;
        let over = false;
        timer = setInterval(() => {
            const spent = (Date.now() - started) / 1000;
            if (!limit) {
                clock.textContent = formatDuration(spent);
                return;
            }
            const left = Math.max(0, Math.ceil(limit - spent));
            clock.textContent = left > 0 ? formatDuration(left) : "Time's up";
            if (left <= warnAt && !warned) {
                warned = true;
                clock.closest('.timer-wrap').classList.add('timer-warning');
                announce(`${left} seconds left for this answer.`);
            }
            if (left === 0 && !over) {
                over = true;
                clock.closest('.timer-wrap').classList.add('timer-over');
                announce('Time is up. Submit your answer when you are ready.');
            }
        }, 1000);
        const submit = button(retrying ? `Submit attempt ${(retrying.attempt_number || 1) + 1}`
            : next.number === next.total ? 'Submit last answer' : 'Submit and continue', { type: 'submit', class: 'btn btn-primary' });
        const back = retrying ? button('Back to the interview', { kind: 'secondary' }) : null;
        if (back) back.addEventListener('click', () => carryOn().catch(() => {}));
        const progress = h('progress', { max: String(next.total), value: String(next.number - 1), 'aria-label': `${next.number - 1} of ${next.total} questions answered` });
        const form = h('form', { class: 'answer-form', novalidate: true },
            h('div', { class: 'question-meta' },
                h('span', { class: 'question-number' }, `Question ${next.number} of ${next.total}`),
                chip(titleCase(next.category)), chip(titleCase(next.difficulty), `chip-${next.difficulty}`),
                next.parent_id ? chip(followUpNote(next.parent_id, session.questions) || 'Follow-up', 'chip-follow-up') : null,
                h('span', { class: 'timer-wrap' }, iconGraphic('clock', 'inline-icon'), h('span', { class: 'visually-hidden' }, limit ? 'Time left for this answer: ' : 'Time on this question: '), clock)),
            progress,
            h('h2', { class: 'question-text', id: 'question-text', tabindex: '-1' }, next.question_text),
            retrying ? h('details', { class: 'previous-answer' },
                h('summary', {}, `Your attempt ${retrying.attempt_number || 1}`, retrying.evaluation_score !== null ? ` (${formatScore(retrying.evaluation_score)}/100)` : ''),
                h('p', { class: 'answer-text' }, retrying.answer_text || '')) : null,
            msg.el,
            h('label', { for: 'answer', class: 'answer-label' }, 'Your answer'),
            h('p', { id: 'answer-hint', class: 'field-hint' }, 'Be specific: the situation, what you did and the result. Up to 5,000 characters. Ctrl+Enter (⌘+Enter) submits.'),
            answer,
            h('div', { class: 'answer-tools' }, count, draftStatus, dictate ? dictate.el : null),
            dictationStatus.el,
            h('div', { class: 'form-actions' }, back, submit));
        answer.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                if (!submit.disabled) form.requestSubmit();
            }
        });
        form.addEventListener('submit', async (e) => {
            e.preventDefault();
            msg.hide();
            const text = answer.value.trim();
            if (!text) {
                msg.show('Write an answer first. Even a short one gets feedback.');
                answer.focus();
                return;
            }
            if ([...text].length > ANSWER_MAX) {
                msg.show(`Shorten your answer to ${ANSWER_MAX.toLocaleString()} characters.`);
                answer.focus();
                return;
            }
            if (dictate) dictate.stop();
            const voice = voiceFields(dictate);
            keeper.submitted();
            setBusy(submit, true, 'Saving…');
            const seconds = Math.min(3600, Math.round((Date.now() - started) / 1000));
            if (retrying) {
                try {
                    await api.post(`/interview/${id}/questions/${next.question_id}/attempts`, { answer_text: text, time_taken_seconds: seconds, ...voice });
                    session = await api.get(`/interview/${id}`, { signal: ctx.signal });
                    drawFeedback();
                    watchFeedback();
                    announce(`Attempt saved for question ${next.number}.`);
                    await carryOn();
                } catch (err) {
                    if (err.name === 'AbortError') return;
                    setBusy(submit, false);
                    msg.show(describeError(err));
                }
                return;
            }
            try {
                const res = await api.post(`/interview/${id}/${next.question_id}/answer`, { answer_text: text, time_taken_seconds: seconds, ...voice });
                session.questions = session.questions.map((q) => (q.id === next.question_id
                    ? { ...q, answer_text: text, time_taken_seconds: seconds, evaluation_status: 'pending', evaluation_score: null, voice_stats: res.voice_stats } : q));
                drawFeedback();
                watchFeedback();
                if (res.next_question) {
                    announce(`Answer saved. Question ${res.next_question.number} of ${res.next_question.total}.`);
                    showQuestion(res.next_question);
                } else {
                    showFinish();
                }
            } catch (err) {
                setBusy(submit, false);
                if (err.code === 'SESSION_CANCELLED') {
                    session.status = 'cancelled';
                    showCancelled();
                    return;
                }
                if (err.code === 'ALREADY_COMPLETED') {
                    await navigate(`/interviews/${id}/summary`, { replace: true });
                    return;
                }
                msg.show(describeError(err));
            }
        });
        mount(stage, card(null, form));
        stage.querySelector('#question-text').focus();
    }

    async function proceed() {
        if (session.status === 'preparing') {
            showPreparing();
            session = await pollUntil(() => api.get(`/interview/${id}`, { signal: ctx.signal }), {
                signal: ctx.signal, done: (s) => s.status !== 'preparing',
            });
            if (session.status === 'cancelled') {
                showCancelled();
                return;
            }
            announce(session.status === 'failed' ? 'The interview could not be prepared.' : 'Your questions are ready.');
        }
        if (session.status === 'cancelled') {
            drawFeedback();
            showCancelled();
            return;
        }
        if (session.status === 'failed') {
            showFailed();
            return;
        }
        if (session.status === 'completed') {
            await navigate(`/interviews/${id}/summary`, { replace: true });
            return;
        }
        drawFeedback();
        watchFeedback();
        await carryOn();
    }

    mount(stage, loading('Loading the interview…'));
    proceed().catch((err) => {
        if (err.name === 'AbortError') return;
        mount(stage, emptyState({
            icon: 'alert', title: "The interview couldn't continue", text: describeError(err),
            action: button('Try again', { onClick: () => proceed() }),
        }));
    });
    return cleanup;
}
