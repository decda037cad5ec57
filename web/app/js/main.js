// The app's entry point: draws the frame, restores a session from the refresh cookie, and
// starts the router.

import { h, mount } from './dom.js';
import { describeError } from './api.js';
import { currentPath, interceptLinks, navigate, render, setRoutes } from './router.js';
import { onSessionChange, restore } from './session.js';
import { buildShell, updateShell } from './shell.js';
import { toast } from './ui.js';
import * as landing from './pages/landing.js';
import * as auth from './pages/auth.js';
import * as dashboard from './pages/dashboard.js';
import * as resumes from './pages/resumes.js';
import * as resumeDetail from './pages/resume-detail.js';
import * as shared from './pages/shared.js';
import * as interviews from './pages/interviews.js';
import * as live from './pages/interview-live.js';
import * as summary from './pages/interview-summary.js';
import * as questions from './pages/questions.js';
import * as profile from './pages/profile.js';
import * as admin from './pages/admin.js';
import * as notfound from './pages/notfound.js';

const ROUTES = [
    { path: '/', render: landing.render, access: 'public', title: 'Practise interviews that feel real' },
    { path: '/signin', render: auth.signIn, access: 'guest', title: 'Sign in' },
    { path: '/register', render: auth.register, access: 'guest', title: 'Create your account' },
    { path: '/forgot-password', render: auth.forgotPassword, access: 'guest', title: 'Reset your password' },
    { path: '/reset-password', render: auth.resetPassword, access: 'public', title: 'Choose a new password' },
    { path: '/verify-email', render: auth.verifyEmail, access: 'public', title: 'Confirm your email' },
    { path: '/dashboard', render: dashboard.render, access: 'user', title: 'Dashboard' },
    { path: '/resumes', render: resumes.list, access: 'user', title: 'Resumes' },
    { path: '/resumes/new', render: resumes.uploadPage, access: 'user', title: 'Upload a resume' },
    { path: '/resumes/:id', render: resumeDetail.render, access: 'user', title: 'Resume' },
    { path: '/resume/shared/:token', render: shared.render, access: 'public', title: 'Shared resume' },
    { path: '/interviews', render: interviews.history, access: 'user', title: 'Interviews' },
    { path: '/interviews/new', render: interviews.start, access: 'user', title: 'Start an interview' },
    { path: '/interviews/:id', render: live.render, access: 'user', title: 'Interview' },
    { path: '/interviews/:id/summary', render: summary.render, access: 'user', title: 'Interview summary' },
    { path: '/questions', render: questions.render, access: 'user', title: 'Question bank' },
    { path: '/profile', render: profile.render, access: 'user', title: 'Your profile' },
    { path: '/admin', render: admin.render, access: 'admin', title: 'Administration' },
    { render: notfound.render, access: 'public', title: 'Page not found' },
];

async function boot() {
    const root = document.getElementById('app');
    const main = buildShell(root);
    setRoutes(ROUTES, main, () => updateShell());
    onSessionChange((user, reason) => {
        updateShell();
        if (reason === 'expired') {
            toast('Your session has ended. Sign in again to pick up where you left off.', 'info');
            navigate(`/signin?next=${encodeURIComponent(currentPath())}`, { replace: true });
        } else if (reason === 'signout') {
            navigate('/signin?signedout=1');
        }
    });
    interceptLinks();
    try {
        await restore();
    } catch (err) {
        mount(main, h('div', { class: 'state state-error', role: 'alert' },
            h('h1', {}, "InterviewAce couldn't start"),
            h('p', {}, describeError(err)),
            h('button', { type: 'button', class: 'btn btn-primary', onClick: () => window.location.reload() }, 'Reload')));
        return;
    }
    updateShell();
    await render();
}

boot();
