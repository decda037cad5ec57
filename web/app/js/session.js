// Who is signed in. The user comes from GET /auth/me after a sign-in or a silent refresh;
// other tabs learn of a sign-out through a BroadcastChannel, so that signing out anywhere
// signs out everywhere in this browser.

import { api, forgetSession, login, logout, mayHaveSession, onSessionEnded, refresh } from './api.js';

const listeners = new Set();
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('ia-session') : null;
let user = null;

function emit(reason) {
    for (const fn of listeners) fn(user, reason);
}

export function currentUser() {
    return user;
}

export function isAdmin() {
    return Boolean(user && user.role === 'admin');
}

// fn(user, reason) runs on every change: reason is "signin", "signout", "expired", "deleted" or "update".
export function onSessionChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
}

onSessionEnded((reason) => {
    if (!user) return;
    user = null;
    emit(reason);
});

if (channel)
    channel.onmessage = (event) => {
        if (event.data === 'signout' && user) {
            forgetSession();
            user = null;
            emit('signout');
        }
    };

// Restores a session after a page load from the refresh cookie, when one may exist.
export async function restore() {
    if (!mayHaveSession()) return null;
    try {
        await refresh();
        user = await api.get('/auth/me');
    } catch (e) {
        if (e.code === 'NETWORK') throw e;
        forgetSession();
        user = null;
    }
    return user;
}

export async function signIn(email, password) {
    await login(email, password);
    user = await api.get('/auth/me');
    emit('signin');
    return user;
}

export async function signOut({ everywhere = false } = {}) {
    try {
        await logout(everywhere);
    } finally {
        user = null;
        if (channel) channel.postMessage('signout');
        emit('signout');
    }
}

// After the account changed (name): keeps the shell in step.
export function updateUser(next) {
    user = next;
    emit('update');
}

// The account is gone (deleted): forget it without calling the service.
export function dropSession() {
    forgetSession();
    user = null;
    if (channel) channel.postMessage('signout');
    emit('deleted');
}
