// Administration (docs/api.md §7): service figures, users (search, activate or deactivate,
// change role) and failed background tasks with a retry.

import { api, describeError } from '../api.js';
import { formatDate, formatDateTime, formatScore, h, mount, plural, relativeTime } from '../dom.js';
import { currentUser } from '../session.js';
import {
    button, confirmDialog, emptyState, errorState, loading, onSearchInput, pageHeader, pagination, setBusy, statCard,
    statusBadge, toast,
} from '../ui.js';

const PAGE = 20;
const TABS = [['overview', 'Overview'], ['users', 'Users'], ['tasks', 'Failed tasks']];

async function overview(ctx, area) {
    const st = await api.get('/admin/stats', { signal: ctx.signal });
    mount(area,
        h('h2', { class: 'visually-hidden' }, 'Overview'),
        h('div', { class: 'stats' },
            statCard('Users', String(st.total_users), `${st.active_users} active`),
            statCard('Interviews', String(st.total_interviews), `${st.completed_interviews} completed`),
            statCard('Resumes', String(st.total_resumes)),
            statCard('Average score', st.average_score === null ? '—' : formatScore(st.average_score), 'over completed interviews'),
            statCard('Failed tasks', String(st.failed_tasks),
                st.failed_tasks ? h('a', { href: '/admin?tab=tasks' }, 'Review and retry') : 'All clear')));
}

function userRow(u, me, refresh) {
    const self = u.id === me.id;
    const toggle = button(u.is_active ? 'Deactivate' : 'Activate', { kind: u.is_active ? 'danger-ghost' : 'secondary', class: `btn btn-small ${u.is_active ? 'btn-danger-ghost' : 'btn-secondary'}`, disabled: self, 'aria-label': `${u.is_active ? 'Deactivate' : 'Activate'} ${u.email}` });
    toggle.addEventListener('click', async () => {
        if (u.is_active) {
            const ok = await confirmDialog({
                title: `Deactivate ${u.email}?`,
                body: 'They are signed out everywhere at once and cannot sign in until you activate the account again.',
                confirmLabel: 'Deactivate', danger: true,
                action: () => api.patch(`/admin/users/${u.id}/deactivate`),
            });
            if (!ok) return;
            toast(`${u.email} deactivated.`, 'success');
        } else {
            setBusy(toggle, true);
            try {
                await api.patch(`/admin/users/${u.id}/activate`);
                toast(`${u.email} activated.`, 'success');
            } catch (err) {
                setBusy(toggle, false);
                toast(describeError(err), 'error');
                return;
            }
        }
        refresh();
    });
    const roleId = `role-${u.id}`;
    const role = h('select', { id: roleId, disabled: self, class: 'select-small' },
        h('option', { value: 'user', selected: u.role === 'user' }, 'Member'),
        h('option', { value: 'admin', selected: u.role === 'admin' }, 'Administrator'));
    role.addEventListener('change', async () => {
        const value = role.value;
        const ok = await confirmDialog({
            title: value === 'admin' ? `Make ${u.email} an administrator?` : `Remove administrator rights from ${u.email}?`,
            body: value === 'admin' ? 'Administrators can see every user and change their accounts.' : 'They keep their account and data.',
            confirmLabel: 'Change role',
            action: () => api.patch(`/admin/users/${u.id}/role`, { role: value }),
        });
        if (!ok) {
            role.value = u.role;
            return;
        }
        toast(`${u.email} is now ${value === 'admin' ? 'an administrator' : 'a member'}.`, 'success');
        refresh();
    });
    return h('tr', {},
        h('th', { scope: 'row' }, h('span', { class: 'cell-title' }, u.full_name, self ? h('span', { class: 'chip' }, 'You') : null), h('span', { class: 'cell-sub' }, u.email)),
        h('td', { 'data-label': 'Role' }, h('label', { for: roleId, class: 'visually-hidden' }, `Role of ${u.email}`), role),
        h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${u.is_active ? 'badge-ok' : 'badge-bad'}` }, u.is_active ? 'Active' : 'Deactivated'),
            u.is_verified ? null : h('span', { class: 'badge badge-wait' }, 'Unconfirmed')),
        h('td', { 'data-label': 'Activity' }, `${plural(u.interview_count, 'interview')}, ${plural(u.resume_count, 'resume')}`),
        h('td', { 'data-label': 'Joined' }, formatDate(u.created_at)),
        h('td', { 'data-label': 'Actions' }, toggle));
}

async function users(ctx, area) {
    const me = currentUser();
    const state = { search: '', skip: 0 };
    const search = h('input', { type: 'search', id: 'user-search', placeholder: 'Name or email', autocomplete: 'off' });
    const results = h('div', { 'aria-live': 'polite' });
    let seq = 0;
    async function load() {
        const mine = ++seq;
        if (!results.firstChild) mount(results, loading('Loading users…'));
        let page;
        try {
            page = await api.get('/admin/users', { query: { skip: state.skip, limit: PAGE, search: state.search }, signal: ctx.signal });
        } catch (err) {
            if (err.name === 'AbortError' || mine !== seq) return;
            mount(results, errorState(err, load));
            return;
        }
        if (mine !== seq) return;
        if (!page.items.length) {
            mount(results, emptyState({ icon: 'search', title: 'No users match', text: 'Check the spelling, or search by part of the email address.' }));
            return;
        }
        mount(results,
            h('p', { class: 'results-count' }, plural(page.total, 'user')),
            h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
                h('caption', { class: 'visually-hidden' }, 'Users'),
                h('thead', {}, h('tr', {}, ['User', 'Role', 'Status', 'Activity', 'Joined', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
                h('tbody', {}, page.items.map((u) => userRow(u, me, load))))),
            pagination({ total: page.total, skip: state.skip, limit: PAGE, label: 'User pages', onPage: (skip) => { state.skip = skip; load(); } }));
    }
    const cancel = onSearchInput(search, (value) => {
        state.search = value;
        state.skip = 0;
        load();
    });
    mount(area, h('h2', { class: 'visually-hidden' }, 'Users'),
        h('div', { class: 'toolbar', role: 'search' }, h('div', { class: 'toolbar-field grow' }, h('label', { for: 'user-search' }, 'Search users'), search)),
        results);
    await load();
    return cancel;
}

async function tasks(ctx, area) {
    const state = { skip: 0 };
    const results = h('div', { 'aria-live': 'polite' });
    async function load() {
        let page;
        try {
            page = await api.get('/admin/tasks', { query: { status: 'FAILURE', skip: state.skip, limit: PAGE }, signal: ctx.signal });
        } catch (err) {
            if (err.name === 'AbortError') return;
            mount(results, errorState(err, load));
            return;
        }
        if (!page.items.length) {
            mount(results, emptyState({ icon: 'check', title: 'No failed tasks', text: 'Every background task finished. Failed ones appear here for a retry.' }));
            return;
        }
        mount(results,
            h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
                h('caption', { class: 'visually-hidden' }, 'Failed tasks'),
                h('thead', {}, h('tr', {}, ['Task', 'Error', 'Attempts', 'Failed', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
                h('tbody', {}, page.items.map((t) => {
                    const retry = button('Retry', { kind: 'secondary', class: 'btn btn-small btn-secondary', 'aria-label': `Retry ${t.type} task ${t.task_id}` });
                    const status = h('td', { 'data-label': 'Attempts' }, String(t.attempts));
                    retry.addEventListener('click', async () => {
                        setBusy(retry, true, 'Retrying…');
                        try {
                            const res = await api.post(`/admin/tasks/${t.task_id}/retry`);
                            mount(retry.parentElement, statusBadge(res.status));
                            toast('Task queued again.', 'success');
                        } catch (err) {
                            setBusy(retry, false);
                            toast(describeError(err), 'error');
                        }
                    });
                    return h('tr', {},
                        h('th', { scope: 'row' }, h('span', { class: 'cell-title' }, t.type), h('span', { class: 'cell-sub mono' }, t.task_id)),
                        h('td', { 'data-label': 'Error' }, t.error || '—'),
                        status,
                        h('td', { 'data-label': 'Failed', title: formatDateTime(t.updated_at) }, relativeTime(t.updated_at)),
                        h('td', { 'data-label': 'Actions' }, retry));
                })))),
            pagination({ total: page.total, skip: state.skip, limit: PAGE, label: 'Task pages', onPage: (skip) => { state.skip = skip; load(); } }));
    }
    mount(area, h('h2', { class: 'visually-hidden' }, 'Failed tasks'), results);
    mount(results, loading('Loading failed tasks…'));
    await load();
}

export async function render(ctx) {
    const tab = TABS.some(([k]) => k === ctx.query.get('tab')) ? ctx.query.get('tab') : 'overview';
    const area = h('div', { class: 'tab-panel' });
    mount(ctx.view,
        pageHeader('Administration', { lead: 'Users, activity and background work across InterviewAce.' }),
        h('nav', { class: 'tabs', 'aria-label': 'Administration sections' },
            TABS.map(([key, label]) => h('a', { href: key === 'overview' ? '/admin' : `/admin?tab=${key}`, 'aria-current': key === tab ? 'page' : null }, label))),
        area);
    mount(area, loading());
    if (tab === 'users') return users(ctx, area);
    if (tab === 'tasks') return tasks(ctx, area);
    return overview(ctx, area);
}

