// Resumes (docs/api.md §5): the list with search, a status filter, grid or list view and pages;
// and the upload page with drag and drop, the size and type rules, and a progress bar.

import { api, describeError, upload } from '../api.js';
import { formatBytes, h, mount, plural, relativeTime, titleCase } from '../dom.js';
import { navigate } from '../router.js';
import {
    announce, button, chipList, emptyState, errorState, iconGraphic, loading, notice, onSearchInput, pageHeader, pagination,
    statusBadge,
} from '../ui.js';

const PAGE = 12;
const VIEW_KEY = 'ia.resumeView';
export const MAX_BYTES = 10 * 1024 * 1024;
export const EXTENSIONS = ['.pdf', '.docx', '.txt'];

const STATUS_OPTIONS = [
    { value: '', label: 'All statuses' },
    { value: 'analyzed', label: 'Analysed' },
    { value: 'processing', label: 'Analysing' },
    { value: 'pending', label: 'Queued' },
    { value: 'error', label: 'Failed' },
];

function savedView() {
    try {
        return localStorage.getItem(VIEW_KEY) === 'list' ? 'list' : 'grid';
    } catch (e) {
        return 'grid';
    }
}

function resumeItem(r) {
    const skills = (r.skills || []).slice(0, 4);
    return h('li', { class: 'resume-item' },
        h('div', { class: 'resume-item-head' },
            iconGraphic('file', 'resume-icon'),
            h('div', { class: 'resume-item-title' },
                h('a', { href: `/resumes/${r.id}`, class: 'list-title' }, r.title),
                h('p', { class: 'list-meta' }, `${r.file_name} · ${formatBytes(r.file_size)}${r.version > 1 ? ` · version ${r.version}` : ''}`)),
            statusBadge(r.status)),
        r.inferred_role ? h('p', { class: 'resume-role' }, titleCase(r.inferred_role),
            r.years_of_experience !== null && r.years_of_experience !== undefined ? ` · ${plural(Math.round(r.years_of_experience), 'year')} of experience` : '') : null,
        skills.length ? chipList(skills, { label: `Top skills in ${r.title}` }) : null,
        h('p', { class: 'list-meta' }, `Uploaded ${relativeTime(r.created_at)}`, r.is_public && r.share_token ? ' · Shared' : ''));
}

export async function list(ctx) {
    const q = ctx.query;
    const state = {
        search: q.get('search') || '',
        status: q.get('status') || '',
        skip: Math.max(0, Number.parseInt(q.get('skip') || '0', 10) || 0),
        view: savedView(),
    };
    const results = h('div', { class: 'results', 'aria-live': 'polite', 'aria-busy': 'false' });
    const search = h('input', { type: 'search', id: 'resume-search', placeholder: 'Title, file, role or skill', value: state.search, autocomplete: 'off' });
    const status = h('select', { id: 'resume-status' }, STATUS_OPTIONS.map((o) => h('option', { value: o.value, selected: o.value === state.status }, o.label)));
    const gridBtn = button('Grid', { kind: 'toggle', 'aria-pressed': String(state.view === 'grid') });
    const listBtn = button('List', { kind: 'toggle', 'aria-pressed': String(state.view === 'list') });
    let seq = 0;

    function syncUrl() {
        const p = new URLSearchParams();
        if (state.search) p.set('search', state.search);
        if (state.status) p.set('status', state.status);
        if (state.skip) p.set('skip', String(state.skip));
        const qs = p.toString();
        history.replaceState(null, '', `/resumes${qs ? `?${qs}` : ''}`);
    }

    async function load() {
        const mine = ++seq;
        results.setAttribute('aria-busy', 'true');
        if (!results.firstChild) mount(results, loading('Loading your resumes…'));
        let page;
        try {
            page = await api.get('/resume/', {
                query: { skip: state.skip, limit: PAGE, search: state.search, status: state.status }, signal: ctx.signal,
            });
        } catch (err) {
            if (err.name === 'AbortError' || mine !== seq) return;
            results.setAttribute('aria-busy', 'false');
            mount(results, errorState(err, load));
            return;
        }
        if (mine !== seq) return;
        results.setAttribute('aria-busy', 'false');
        syncUrl();
        if (page.total === 0 && !state.search && !state.status) {
            mount(results, emptyState({
                icon: 'file', title: 'Upload your first resume',
                text: 'We analyse your skills and experience so that your interview questions are about you.',
                action: h('a', { class: 'btn btn-primary', href: '/resumes/new' }, 'Upload a resume'),
            }));
            return;
        }
        if (page.items.length === 0) {
            const clear = button('Clear search and filter', { kind: 'secondary' });
            clear.addEventListener('click', () => {
                state.search = '';
                state.status = '';
                state.skip = 0;
                search.value = '';
                status.value = '';
                load();
            });
            mount(results, emptyState({ icon: 'search', title: 'No resumes match', text: 'Try another word, or show every status.', action: clear }));
            return;
        }
        mount(results,
            h('p', { class: 'results-count' }, `${plural(page.total, 'resume')}${state.search || state.status ? ' found' : ''}`),
            h('ul', { class: `resume-list view-${state.view}` }, page.items.map(resumeItem)),
            pagination({
                total: page.total, skip: state.skip, limit: PAGE, label: 'Resume pages',
                onPage: (skip) => {
                    state.skip = skip;
                    load();
                },
            }));
    }

    const cancel = onSearchInput(search, (value) => {
        state.search = value;
        state.skip = 0;
        load();
    });
    status.addEventListener('change', () => {
        state.status = status.value;
        state.skip = 0;
        load();
    });
    const setView = (view) => {
        state.view = view;
        try {
            localStorage.setItem(VIEW_KEY, view);
        } catch (e) {
            // Not kept; fine.
        }
        gridBtn.setAttribute('aria-pressed', String(view === 'grid'));
        listBtn.setAttribute('aria-pressed', String(view === 'list'));
        const ul = results.querySelector('.resume-list');
        if (ul) ul.className = `resume-list view-${view}`;
    };
    gridBtn.addEventListener('click', () => setView('grid'));
    listBtn.addEventListener('click', () => setView('list'));

    mount(ctx.view,
        pageHeader('Resumes', {
            lead: 'Upload versions for different roles; each is analysed for skills, experience and fit.',
            actions: h('a', { class: 'btn btn-primary', href: '/resumes/new' }, 'Upload a resume'),
        }),
        h('div', { class: 'toolbar', role: 'search' },
            h('div', { class: 'toolbar-field grow' }, h('label', { for: 'resume-search' }, 'Search'), search),
            h('div', { class: 'toolbar-field' }, h('label', { for: 'resume-status' }, 'Status'), status),
            h('div', { class: 'toolbar-field toolbar-view' }, h('span', { class: 'toolbar-label', id: 'view-label' }, 'View'),
                h('div', { class: 'segmented', role: 'group', 'aria-labelledby': 'view-label' }, gridBtn, listBtn))),
        results);
    await load();
    return cancel;
}

// The problem with a chosen file before it is sent, or null.
export function fileProblem(file) {
    const name = file.name.toLowerCase();
    if (!EXTENSIONS.some((ext) => name.endsWith(ext)))
        return `"${file.name}" isn't a PDF, Word (.docx) or plain-text (.txt) file. Export your resume in one of those formats and try again.`;
    if (file.size === 0) return `"${file.name}" is empty. Choose the file that contains your resume.`;
    if (file.size > MAX_BYTES) return `"${file.name}" is ${formatBytes(file.size)}; the limit is 10 MB. Save a smaller version (for example without images).`;
    return null;
}

export function uploadPage(ctx) {
    const msg = notice('error');
    const input = h('input', { type: 'file', id: 'resume-file', accept: '.pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain', class: 'file-input', 'aria-describedby': 'upload-rules' });
    const zone = h('div', { class: 'dropzone' },
        iconGraphic('file', 'dropzone-icon'),
        h('p', { class: 'dropzone-title' }, 'Drag your resume here'),
        h('p', {}, 'or'),
        h('label', { for: 'resume-file', class: 'btn btn-primary' }, 'Choose a file'),
        input,
        h('p', { id: 'upload-rules', class: 'field-hint' }, 'PDF, Word (.docx) or plain text (.txt), up to 10 MB. Scanned images without text cannot be read.'));
    const progressArea = h('div', { class: 'upload-progress', hidden: true });
    let controller = null;

    async function send(file) {
        msg.hide();
        const problem = fileProblem(file);
        if (problem) {
            msg.show(problem);
            return;
        }
        controller = new AbortController();
        ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
        const bar = h('progress', { max: '100', value: '0', 'aria-label': `Uploading ${file.name}` });
        const pct = h('span', { class: 'progress-text' }, '0%');
        const cancel = button('Cancel', { kind: 'secondary' });
        cancel.addEventListener('click', () => controller.abort());
        mount(progressArea, h('p', { class: 'upload-name' }, iconGraphic('file', 'inline-icon'), `${file.name} · ${formatBytes(file.size)}`),
            h('div', { class: 'progress-row' }, bar, pct), cancel);
        progressArea.hidden = false;
        zone.classList.add('busy');
        input.disabled = true;
        announce(`Uploading ${file.name}.`);
        let lastAnnounced = 0;
        try {
            const res = await upload('/resume/upload/', file, {
                signal: controller.signal,
                onProgress: (f) => {
                    const p = Math.round(f * 100);
                    bar.value = p;
                    pct.textContent = `${p}%`;
                    if (p - lastAnnounced >= 50) {
                        lastAnnounced = p;
                        announce(`${p}% uploaded.`);
                    }
                },
            });
            announce('Upload complete. Analysing your resume.');
            await navigate(`/resumes/${res.id}`);
        } catch (err) {
            zone.classList.remove('busy');
            input.disabled = false;
            input.value = '';
            progressArea.hidden = true;
            if (err.name === 'AbortError') {
                if (!ctx.signal.aborted) msg.show('Upload cancelled. Choose a file to try again.', 'info');
                return;
            }
            msg.show(describeError(err), 'error');
        }
    }

    input.addEventListener('change', () => {
        if (input.files && input.files[0]) send(input.files[0]);
    });
    zone.addEventListener('dragover', (e) => {
        e.preventDefault();
        zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (e) => {
        e.preventDefault();
        zone.classList.remove('dragging');
        const files = e.dataTransfer && e.dataTransfer.files;
        if (!files || files.length === 0) return;
        if (files.length > 1) {
            msg.show('Drop one file at a time.');
            return;
        }
        if (!input.disabled) send(files[0]);
    });

    mount(ctx.view,
        h('div', { class: 'narrow' },
            pageHeader('Upload a resume', {
                back: { href: '/resumes', label: 'Resumes' },
                lead: 'We read your resume to tailor your interview questions. It stays private unless you share it.',
            }),
            msg.el, zone, progressArea,
            h('ul', { class: 'tips' },
                h('li', {}, 'Text-based PDFs work best: export from your editor rather than scanning.'),
                h('li', {}, 'Upload a version per target role to compare how each matches a job description.'),
                h('li', {}, `Analysis usually takes a few seconds. You can leave this page meanwhile.`))));
    return () => controller && controller.abort();
}

