// The account (docs/api.md §3): name, appearance, password, a copy of all my data, signing out
// everywhere, and deleting the account.

import { api, describeError, download } from '../api.js';
import { formatDate, h, mount, uniqueId } from '../dom.js';
import { navigate } from '../router.js';
import { currentUser, dropSession, signOut, updateUser } from '../session.js';
import { setTheme, themeChoice } from '../theme.js';
import {
    announce, breakableEmail, button, card, clearFieldErrors, confirmDialog, facts, field, notice, pageHeader, passwordChecklist,
    passwordValid, setBusy, showFieldErrors, toast,
} from '../ui.js';

function nameCard(user) {
    const msg = notice('error');
    const name = field({ label: 'Full name', name: 'full_name', value: user.full_name, autocomplete: 'name', required: true, maxlength: 100 });
    const save = button('Save name', { type: 'submit' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, name.wrap, save);
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        const value = name.input.value.trim();
        if (!value) {
            name.setError('Enter your name.');
            name.input.focus();
            return;
        }
        name.setError(null);
        setBusy(save, true, 'Saving…');
        try {
            updateUser(await api.patch('/auth/me', { full_name: value }));
            msg.show('Your name is saved.', 'success');
        } catch (err) {
            if (!(err.code === 'VALIDATION_ERROR' && showFieldErrors([name], err))) msg.show(describeError(err), 'error');
        }
        setBusy(save, false);
    });
    return card('Your details',
        facts([
            ['Email', breakableEmail(user.email), { wide: true }],
            ['Email confirmed', user.is_email_verified ? 'Yes' : 'Not yet'],
            ['Account type', user.role === 'admin' ? 'Administrator' : 'Member'],
            ['Member since', formatDate(user.created_at)],
        ]),
        form);
}

function themeCard() {
    const current = themeChoice();
    const options = [['system', 'Match my device'], ['light', 'Light'], ['dark', 'Dark']];
    return card('Appearance', h('fieldset', { class: 'field choice-group' },
        h('legend', {}, 'Theme'),
        h('div', { class: 'choices inline' }, options.map(([value, label]) => {
            const id = uniqueId('theme');
            const input = h('input', { type: 'radio', name: 'theme', value, id, checked: value === current });
            input.addEventListener('change', () => {
                setTheme(value);
                announce(`${label} theme.`);
            });
            return h('label', { class: 'choice', for: id }, input, h('span', { class: 'choice-text' }, h('strong', {}, label)));
        }))));
}

function passwordCard(user) {
    const msg = notice('error');
    // Lets password managers file the new password under the right account.
    const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', value: user.email, hidden: true, readonly: true, tabindex: '-1', 'aria-hidden': 'true' });
    username.defaultValue = user.email;
    const current = field({ label: 'Current password', name: 'old_password', type: 'password', autocomplete: 'current-password', required: true });
    const next = field({ label: 'New password', name: 'new_password', type: 'password', autocomplete: 'new-password', required: true });
    next.wrap.append(passwordChecklist(next.input));
    const save = button('Change password', { type: 'submit' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, username, current.wrap, next.wrap, save);
    const fields = [current, next];
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        clearFieldErrors(fields);
        if (!current.input.value) {
            current.setError('Enter your current password.');
            current.input.focus();
            return;
        }
        if (!passwordValid(next.input.value)) {
            next.setError('Choose a password that meets every rule below.');
            next.input.focus();
            return;
        }
        setBusy(save, true, 'Changing…');
        try {
            await api.post('/auth/change-password', { old_password: current.input.value, new_password: next.input.value });
            // Emptying the fields also empties the checklist's status region (ui.js
            // passwordChecklist), which would otherwise still say the gone password meets every rule.
            form.reset();
            next.input.dispatchEvent(new Event('input'));
            msg.show('Password changed. Your other devices have been signed out.', 'success');
        } catch (err) {
            if (err.code === 'INVALID_PASSWORD') {
                current.setError('This is not your current password.');
                current.input.focus();
            } else if (err.code === 'PASSWORD_REUSED') {
                next.setError(describeError(err));
                next.input.focus();
            } else if (!(err.code === 'VALIDATION_ERROR' && showFieldErrors(fields, err))) {
                msg.show(describeError(err), 'error');
            }
        }
        setBusy(save, false);
    });
    return card('Password', form);
}

function dataCard() {
    const msg = notice('error');
    const exportBtn = button('Download my data', { kind: 'secondary' });
    exportBtn.addEventListener('click', async () => {
        setBusy(exportBtn, true, 'Preparing…');
        msg.hide();
        try {
            const name = await download('/auth/me/export', { fallbackName: 'interviewace-export.json' });
            msg.show(`Downloaded ${name}.`, 'success');
        } catch (err) {
            msg.show(describeError(err), 'error');
        }
        setBusy(exportBtn, false);
    });
    const everywhere = button('Sign out everywhere', { kind: 'secondary' });
    everywhere.addEventListener('click', async () => {
        const ok = await confirmDialog({
            title: 'Sign out on every device?',
            body: 'You will be signed out here and on every other browser and device where you are signed in.',
            confirmLabel: 'Sign out everywhere',
        });
        if (!ok) return;
        try {
            await signOut({ everywhere: true });
        } catch (err) {
            toast(describeError(err), 'error');
        }
    });
    return card('Your data and sessions', msg.el,
        h('div', { class: 'card-section' },
            h('p', {}, 'Download everything InterviewAce stores about you: your account, resumes and their analyses, interviews, and sign-in history (JSON).'),
            exportBtn),
        h('div', { class: 'card-section' },
            h('p', {}, 'Lost a device, or signed in on a shared computer? End every session at once.'),
            everywhere));
}

function deleteCard() {
    const del = button('Delete my account', { kind: 'danger' });
    del.addEventListener('click', async () => {
        const ok = await confirmDialog({
            title: 'Delete your account?',
            body: [h('p', {}, 'This deletes your account, resumes, interviews and history for good. It cannot be undone.'),
                h('p', {}, 'Download your data first if you want to keep a copy.')],
            confirmLabel: 'Delete my account', danger: true,
            input: { label: 'Enter your password to confirm', name: 'password', type: 'password', autocomplete: 'current-password', required: true },
            action: (password) => api.del('/auth/me', { password }),
        });
        if (!ok) return;
        dropSession();
        toast('Your account has been deleted.', 'success');
        await navigate('/', { replace: true });
    });
    return h('section', { class: 'card card-danger', 'aria-labelledby': 'danger-title' },
        h('h2', { id: 'danger-title', class: 'card-title' }, 'Delete account'),
        h('p', {}, 'Permanently remove your account and everything in it.'),
        del);
}

export function render(ctx) {
    const user = currentUser();
    mount(ctx.view,
        pageHeader('Your profile', { lead: 'Your account, your data, your choice.' }),
        h('div', { class: 'grid-2' }, nameCard(user), themeCard()),
        h('div', { class: 'grid-2' }, passwordCard(user), dataCard()),
        deleteCard());
}
