// The pages for a path the app does not know and for an area the account may not enter.

import { h, mount } from '../dom.js';
import { currentUser } from '../session.js';
import { emptyState } from '../ui.js';

export function render(ctx) {
    const home = currentUser() ? '/dashboard' : '/';
    mount(ctx.view, h('div', { class: 'narrow' },
        h('h1', { class: 'visually-hidden', tabindex: '-1' }, 'Page not found'),
        emptyState({
            icon: 'search',
            title: "We couldn't find that page",
            text: 'The link may be mistyped or out of date. Check the address, or start again from the home page.',
            action: h('a', { class: 'btn btn-primary', href: home }, currentUser() ? 'Go to your dashboard' : 'Go to the home page'),
        })));
}

export function forbidden(ctx) {
    mount(ctx.view, h('div', { class: 'narrow' },
        h('h1', { class: 'visually-hidden', tabindex: '-1' }, 'Administrators only'),
        emptyState({
            icon: 'lock',
            title: 'This area is for administrators',
            text: 'Your account does not have administrator rights. If you need them, ask an administrator of your organisation.',
            action: h('a', { class: 'btn btn-primary', href: '/dashboard' }, 'Go to your dashboard'),
        })));
}
