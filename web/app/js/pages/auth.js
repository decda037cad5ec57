// Signing in and everything around it: register (with the password rules checked as you
// type), confirm an e-mail address from its link, ask for a reset link, choose a new
// password from it.

import { api, describeError } from '../api.js';
import { h, mount } from '../dom.js';
import { navigate, safeNext } from '../router.js';
import { currentUser, signIn as sessionSignIn } from '../session.js';
import {
    announce, button, clearFieldErrors, emptyState, field, iconGraphic, loading, notice, passwordChecklist,
    passwordValid, revealToggle, setBusy, showFieldErrors,
} from '../ui.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function authCard(title, lead, ...content) {
    return h('div', { class: 'auth' },
        h('div', { class: 'auth-card' },
            h('h1', { tabindex: '-1' }, title),
            lead ? h('p', { class: 'lead' }, lead) : null,
            ...content));
}

function passwordField(opts) {
    const f = field({ type: 'password', ...opts });
    const toggle = revealToggle(f.input);
    const row = h('div', { class: 'input-with-button' });
    f.input.before(row);
    row.append(f.input, toggle);
    return f;
}

// Checks fields before sending: returns true when all are fine; otherwise shows the errors
// and focuses the first field that has one.
function check(rules) {
    let first = null;
    for (const [f, message] of rules) {
        f.setError(message || null);
        if (message && !first) first = f;
    }
    if (first) first.input.focus();
    return !first;
}

function emailProblem(value) {
    if (!value.trim()) return 'Enter your email address.';
    if (!EMAIL_RE.test(value.trim())) return 'Enter an email address like name@example.com.';
    return null;
}

// Offers to send a new confirmation link to an address.
function resendBlock(email, msg) {
    const btn = button('Send a new confirmation link', { kind: 'secondary' });
    btn.addEventListener('click', async () => {
        setBusy(btn, true, 'Sending…');
        try {
            await api.post('/auth/resend-verification', { email }, { auth: false });
            msg.show(`If ${email} has an account that still needs confirming, a new link is on its way. It works for 30 minutes.`, 'success');
            btn.remove();
        } catch (err) {
            setBusy(btn, false);
            msg.show(describeError(err), 'error');
        }
    });
    return btn;
}

export function signIn(ctx) {
    const msg = notice('error');
    const q = ctx.query;
    if (q.get('signedout')) msg.show("You've signed out. See you next time.", 'success');
    else if (q.get('reset')) msg.show('Your password has been changed. Sign in with your new password.', 'success');
    else if (q.get('verified')) msg.show('Your email is confirmed. Sign in to get started.', 'success');
    else if (q.get('next')) msg.show('Sign in to continue to that page.', 'info');

    const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'username', required: true, value: q.get('email') || undefined });
    const password = passwordField({ label: 'Password', name: 'password', autocomplete: 'current-password', required: true });
    const submit = button('Sign in', { type: 'submit', class: 'btn btn-primary btn-block' });
    const extra = h('div', { class: 'notice-actions' });
    const form = h('form', { class: 'form', novalidate: true },
        msg.el, extra, email.wrap, password.wrap,
        h('p', { class: 'form-aside' }, h('a', { href: '/forgot-password' }, 'Forgot your password?')),
        submit);
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        mount(extra);
        if (!check([[email, emailProblem(email.input.value)], [password, password.input.value ? null : 'Enter your password.']])) return;
        setBusy(submit, true, 'Signing in…');
        msg.hide();
        try {
            await sessionSignIn(email.input.value.trim(), password.input.value);
            announce('Signed in.');
            await navigate(safeNext(q.get('next')) || '/dashboard', { replace: true });
        } catch (err) {
            setBusy(submit, false);
            if (err.code === 'VALIDATION_ERROR' && showFieldErrors([email, password], err)) return;
            msg.show(describeError(err), 'error');
            if (err.code === 'EMAIL_NOT_VERIFIED') mount(extra, resendBlock(email.input.value.trim(), msg));
            password.input.select();
            password.input.focus();
        }
    });
    mount(ctx.view, authCard('Sign in', 'Welcome back. Pick up your practice where you left off.', form,
        h('p', { class: 'auth-switch' }, 'New to InterviewAce? ', h('a', { href: '/register' }, 'Create an account'))));
}

function checkInbox(view, email) {
    const msg = notice('success');
    mount(view, authCard('Check your inbox', null,
        h('div', { class: 'inbox' }, iconGraphic('inbox', 'inbox-icon'),
            h('p', {}, 'We sent a confirmation link to ', h('strong', {}, email), '. Open it to activate your account; it works for 30 minutes.')),
        msg.el,
        h('p', { class: 'form-aside' }, "Didn't get it? Check your spam folder, or "),
        resendBlock(email, msg),
        h('p', { class: 'auth-switch' }, 'Already confirmed? ', h('a', { href: '/signin' }, 'Sign in'))));
    announce(`We sent a confirmation link to ${email}.`);
}

export function register(ctx) {
    const msg = notice('error');
    const name = field({ label: 'Full name', name: 'full_name', autocomplete: 'name', required: true, maxlength: 100 });
    const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'email', required: true });
    const password = passwordField({ label: 'Password', name: 'password', autocomplete: 'new-password', required: true });
    password.wrap.append(passwordChecklist(password.input));
    const submit = button('Create account', { type: 'submit', class: 'btn btn-primary btn-block' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, name.wrap, email.wrap, password.wrap, submit,
        h('p', { class: 'form-aside' }, 'By creating an account you agree to use InterviewAce for your own interview practice.'));
    const fields = [name, email, password];
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        const fullName = name.input.value.trim();
        if (!check([
            [name, fullName ? null : 'Enter your name as you would like to see it.'],
            [email, emailProblem(email.input.value)],
            [password, passwordValid(password.input.value) ? null : 'Choose a password that meets every rule below.'],
        ])) return;
        setBusy(submit, true, 'Creating your account…');
        const address = email.input.value.trim();
        try {
            const res = await api.post('/auth/register', { email: address, full_name: fullName, password: password.input.value }, { auth: false });
            if (/check your email|verify/i.test(res.message || '')) {
                checkInbox(ctx.view, address);
                return;
            }
            await sessionSignIn(address, password.input.value);
            await navigate('/dashboard?welcome=1', { replace: true });
        } catch (err) {
            setBusy(submit, false);
            clearFieldErrors(fields);
            if (err.code === 'VALIDATION_ERROR' && showFieldErrors(fields, err)) return;
            if (err.code === 'EMAIL_TAKEN') {
                email.setError('An account with this email already exists.');
                msg.show([describeError(err), ' ', h('a', { href: `/signin?email=${encodeURIComponent(address)}` }, 'Sign in')], 'error');
                email.input.focus();
                return;
            }
            msg.show(describeError(err), 'error');
        }
    });
    mount(ctx.view, authCard('Create your account', 'Free to start. Your first mock interview is minutes away.', form,
        h('p', { class: 'auth-switch' }, 'Already have an account? ', h('a', { href: '/signin' }, 'Sign in'))));
}

export async function verifyEmail(ctx) {
    const token = ctx.query.get('token');
    if (!token) {
        mount(ctx.view, authCard('Confirm your email', null, emptyState({
            icon: 'alert', title: 'This link is incomplete',
            text: 'Open the link from your email again, or copy the whole address into the browser.',
        })));
        return;
    }
    mount(ctx.view, authCard('Confirm your email', null, loading('Confirming your email address…')));
    try {
        const res = await api.post('/auth/verify-email', { token }, { auth: false, signal: ctx.signal });
        const already = /already/i.test(res.message || '');
        const next = currentUser()
            ? h('a', { class: 'btn btn-primary btn-block', href: '/dashboard' }, 'Go to your dashboard')
            : h('a', { class: 'btn btn-primary btn-block', href: '/signin?verified=1' }, 'Sign in');
        mount(ctx.view, authCard(already ? 'Your email was already confirmed' : 'Your email is confirmed', null,
            h('div', { class: 'inbox', role: 'status' }, iconGraphic('check', 'inbox-icon success'),
                h('p', {}, already ? 'Nothing more to do here.' : "Thanks! Your account is active. Sign in and start practising.")),
            next));
    } catch (err) {
        if (err.name === 'AbortError') return;
        const msg = notice('error');
        msg.show(describeError(err));
        const email = field({ label: 'Your email', name: 'email', type: 'email', autocomplete: 'email', required: true });
        const send = button('Send a new link', { type: 'submit' });
        const form = h('form', { class: 'form', novalidate: true }, email.wrap, send);
        form.addEventListener('submit', async (e) => {
            e.preventDefault();
            if (!check([[email, emailProblem(email.input.value)]])) return;
            setBusy(send, true, 'Sending…');
            try {
                await api.post('/auth/resend-verification', { email: email.input.value.trim() }, { auth: false });
                msg.show('If that account still needs confirming, a new link is on its way. It works for 30 minutes.', 'success');
            } catch (e2) {
                msg.show(describeError(e2), 'error');
            }
            setBusy(send, false);
        });
        mount(ctx.view, authCard("We couldn't confirm your email", null, msg.el, form));
    }
}

export function forgotPassword(ctx) {
    const msg = notice('error');
    const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'email', required: true });
    const submit = button('Send reset link', { type: 'submit', class: 'btn btn-primary btn-block' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, email.wrap, submit);
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        if (!check([[email, emailProblem(email.input.value)]])) return;
        setBusy(submit, true, 'Sending…');
        const address = email.input.value.trim();
        try {
            await api.post('/auth/reset-password-request', { email: address }, { auth: false });
            mount(ctx.view, authCard('Check your inbox', null,
                h('div', { class: 'inbox', role: 'status' }, iconGraphic('inbox', 'inbox-icon'),
                    h('p', {}, 'If ', h('strong', {}, address), ' has an InterviewAce account, a link to choose a new password is on its way. It works for 15 minutes.')),
                h('a', { class: 'btn btn-secondary btn-block', href: '/signin' }, 'Back to sign in')));
            announce('If the account exists, a reset link has been sent.');
        } catch (err) {
            setBusy(submit, false);
            if (err.code === 'VALIDATION_ERROR' && showFieldErrors([email], err)) return;
            msg.show(describeError(err), 'error');
        }
    });
    mount(ctx.view, authCard('Reset your password', "Enter the email you signed up with and we'll send you a link to choose a new password.", form,
        h('p', { class: 'auth-switch' }, 'Remembered it? ', h('a', { href: '/signin' }, 'Sign in'))));
}

export function resetPassword(ctx) {
    const token = ctx.query.get('token');
    if (!token) {
        mount(ctx.view, authCard('Choose a new password', null, emptyState({
            icon: 'alert', title: 'This link is incomplete',
            text: 'Open the link from your email again, or ask for a new one.',
            action: h('a', { class: 'btn btn-primary', href: '/forgot-password' }, 'Request a new link'),
        })));
        return;
    }
    const msg = notice('error');
    const password = passwordField({ label: 'New password', name: 'new_password', autocomplete: 'new-password', required: true });
    password.wrap.append(passwordChecklist(password.input));
    const confirm = field({ label: 'Repeat the new password', name: 'confirm', type: 'password', autocomplete: 'new-password', required: true });
    const submit = button('Change password', { type: 'submit', class: 'btn btn-primary btn-block' });
    const form = h('form', { class: 'form', novalidate: true }, msg.el, password.wrap, confirm.wrap, submit);
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.hide();
        if (!check([
            [password, passwordValid(password.input.value) ? null : 'Choose a password that meets every rule below.'],
            [confirm, confirm.input.value === password.input.value ? null : "The two passwords don't match."],
        ])) return;
        setBusy(submit, true, 'Saving…');
        try {
            await api.post('/auth/reset-password-confirm', { token, new_password: password.input.value }, { auth: false });
            await navigate('/signin?reset=1', { replace: true });
        } catch (err) {
            setBusy(submit, false);
            if (err.code === 'VALIDATION_ERROR' && showFieldErrors([password], err)) return;
            if (err.code === 'PASSWORD_REUSED') {
                password.setError(describeError(err));
                password.input.focus();
                return;
            }
            msg.show(err.code === 'INVALID_RESET_TOKEN'
                ? [describeError(err), ' ', h('a', { href: '/forgot-password' }, 'Request a new link')]
                : describeError(err), 'error');
        }
    });
    mount(ctx.view, authCard('Choose a new password', 'Signing in again will be needed on every device afterwards.', form));
}
