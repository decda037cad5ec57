// The question bank (docs/api.md §4.7): browse the questions by role, category, difficulty and
// words of the question, and practise one on its own. Practising opens a one-question session
// on the live interview page, answered and scored with the same feedback as any interview.

import { api, describeError } from '../api.js';
import { h, mount, plural, titleCase } from '../dom.js';
import { navigate } from '../router.js';
import { button, chip, emptyState, errorState, loading, onSearchInput, pageHeader, pagination, setBusy, toast } from '../ui.js';

const PAGE = 10;
const CATEGORIES = ['technical', 'behavioral', 'project', 'system_design', 'coding', 'general'];
const DIFFICULTIES = ['easy', 'medium', 'hard'];

function select(id, label, values, current) {
    return h('select', { id },
        h('option', { value: '' }, label),
        values.map((v) => h('option', { value: v, selected: v === current }, titleCase(v))));
}

// Starts a single-question practice of a bank question and opens it.
async function practise(item, btn) {
    setBusy(btn, true, 'Starting…');
    try {
        const session = await api.post('/interview/practice', { question_id: item.id });
        await navigate(`/interviews/${session.id}`);
    } catch (err) {
        setBusy(btn, false);
        toast(describeError(err), 'error');
    }
}

function questionRow(item) {
    const go = button('Practise this question', { kind: 'secondary', class: 'btn btn-secondary btn-small', 'aria-label': `Practise this question: ${item.text}` });
    go.addEventListener('click', () => practise(item, go));
    return h('li', { class: 'list-row bank-row' },
        h('div', { class: 'list-main' },
            h('p', { class: 'list-title bank-text' }, item.text),
            h('p', { class: 'list-meta' },
                chip(titleCase(item.category)), ' ', chip(titleCase(item.difficulty), `chip-${item.difficulty}`), ' ',
                item.roles.length ? `For ${item.roles.slice(0, 3).join(', ')}${item.roles.length > 3 ? '…' : ''}` : 'For any role',
                ` · graded on ${plural(item.key_points_count, 'key point')}`)),
        go);
}

export async function render(ctx) {
    const state = {
        role: ctx.query.get('role') || '', category: ctx.query.get('category') || '',
        difficulty: ctx.query.get('difficulty') || '', search: ctx.query.get('search') || '', skip: 0,
    };
    const results = h('div', { class: 'results', 'aria-live': 'polite' });
    const role = h('input', { id: 'bank-role', type: 'search', maxlength: '100', value: state.role, placeholder: 'e.g. backend engineer' });
    const search = h('input', { id: 'bank-search', type: 'search', maxlength: '100', value: state.search, placeholder: 'Words of the question' });
    const category = select('bank-category', 'All categories', CATEGORIES, state.category);
    const difficulty = select('bank-difficulty', 'All levels', DIFFICULTIES, state.difficulty);

    async function load() {
        mount(results, loading('Loading questions…'));
        const query = { skip: state.skip, limit: PAGE };
        for (const k of ['role', 'category', 'difficulty', 'search']) if (state[k]) query[k] = state[k];
        let page;
        try {
            page = await api.get('/questions', { query, signal: ctx.signal });
        } catch (err) {
            if (err.name === 'AbortError') return;
            mount(results, errorState(err, load));
            return;
        }
        const params = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'skip' && k !== 'limit'));
        window.history.replaceState(null, '', `/questions${params.toString() ? `?${params}` : ''}`);
        if (page.total === 0) {
            mount(results, emptyState({ icon: 'search', title: 'No questions match', text: 'Widen the filters or clear the search.' }));
            return;
        }
        mount(results,
            h('p', { class: 'muted bank-total' }, `${plural(page.total, 'question')} match.`),
            h('ul', { class: 'list card' }, page.items.map(questionRow)),
            pagination({
                total: page.total, skip: state.skip, limit: PAGE, label: 'Question pages',
                onPage: (skip) => {
                    state.skip = skip;
                    load();
                },
            }));
    }
    const refilter = (key, value) => {
        state[key] = value;
        state.skip = 0;
        load();
    };
    onSearchInput(role, (v) => refilter('role', v));
    onSearchInput(search, (v) => refilter('search', v));
    category.addEventListener('change', () => refilter('category', category.value));
    difficulty.addEventListener('change', () => refilter('difficulty', difficulty.value));
    const tool = (id, label, input) => h('div', { class: 'toolbar-field' }, h('label', { for: id }, label), input);
    mount(ctx.view,
        pageHeader('Question bank', {
            lead: 'Pick one question and practise it on its own, with the same score and feedback as in an interview.',
        }),
        h('div', { class: 'toolbar bank-filters' },
            tool('bank-role', 'Role', role), tool('bank-category', 'Category', category),
            tool('bank-difficulty', 'Difficulty', difficulty), tool('bank-search', 'Search', search)),
        results);
    await load();
}
