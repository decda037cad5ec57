// The frame around every page: the header with the navigation (a menu button on narrow
// screens), the theme toggle and the account links; the main region the pages render into;
// the live regions for announcements and notices; the footer.

import { h, mount, s } from './dom.js';
import { navigate } from './router.js';
import { currentUser, isAdmin, signOut } from './session.js';
import { effectiveTheme, onThemeChange, setTheme } from './theme.js';
import { toast } from './ui.js';

const NAV = [
    { href: '/dashboard', label: 'Dashboard' },
    { href: '/resumes', label: 'Resumes' },
    { href: '/interviews', label: 'Interviews' },
    { href: '/questions', label: 'Question bank' },
];

let navList;
let accountArea;
let menuButton;
let themeButton;

function logo() {
    return h('a', { class: 'brand', href: '/' },
        s('svg', { viewBox: '0 0 64 64', width: 28, height: 28, 'aria-hidden': 'true', focusable: 'false' },
            s('rect', { width: 64, height: 64, rx: 14, class: 'brand-mark' }),
            s('path', { d: 'M18 44 30 18h4l12 26h-6l-3-7H27l-3 7zm11-12h7l-3.5-8z', class: 'brand-letter' }),
            s('circle', { cx: 47, cy: 17, r: 5, class: 'brand-dot' })),
        h('span', {}, 'InterviewAce'));
}

function themeIcon(theme) {
    const d = theme === 'dark'
        ? 'M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z'
        : 'M12 4V2m0 20v-2m8-8h2M2 12h2m13.7-5.7 1.4-1.4M4.9 19.1l1.4-1.4m0-11.4L4.9 4.9m14.2 14.2-1.4-1.4M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10z';
    return s('svg', { viewBox: '0 0 24 24', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
        s('path', { d }));
}

function updateThemeButton() {
    const theme = effectiveTheme();
    const next = theme === 'dark' ? 'light' : 'dark';
    themeButton.setAttribute('aria-label', `Switch to ${next} theme`);
    themeButton.title = `Switch to ${next} theme`;
    mount(themeButton, themeIcon(theme));
}

function closeMenu() {
    menuButton.setAttribute('aria-expanded', 'false');
    document.body.classList.remove('menu-open');
}

// Redraws the navigation for the signed-in user (or the visitor) and marks the current page.
export function updateShell(pathname = window.location.pathname) {
    const user = currentUser();
    const items = user ? [...NAV, ...(isAdmin() ? [{ href: '/admin', label: 'Admin' }] : [])] : [];
    mount(navList, items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return h('li', {}, h('a', { href: item.href, 'aria-current': active ? 'page' : null }, item.label));
    }));
    menuButton.hidden = !user;
    document.body.classList.toggle('signed-in', Boolean(user));
    if (user) {
        const out = h('button', { type: 'button', class: 'btn btn-ghost' }, 'Sign out');
        out.addEventListener('click', async () => {
            out.disabled = true;
            try {
                await signOut();
            } catch (e) {
                // The session is forgotten here even when the service could not be told.
            }
            toast("You've signed out.", 'success');
        });
        const profileActive = pathname.startsWith('/profile');
        mount(accountArea,
            h('a', { class: 'account-link', href: '/profile', 'aria-current': profileActive ? 'page' : null },
                h('span', { class: 'avatar', 'aria-hidden': 'true' }, (user.full_name || user.email).trim().charAt(0).toUpperCase()),
                h('span', { class: 'account-name' }, user.full_name || user.email)),
            out);
    } else {
        mount(accountArea,
            h('a', { class: 'btn btn-ghost', href: '/signin' }, 'Sign in'),
            h('a', { class: 'btn btn-primary', href: '/register' }, 'Create account'));
    }
    closeMenu();
}

export function buildShell(root) {
    navList = h('ul', { class: 'nav-list' });
    accountArea = h('div', { class: 'account' });
    menuButton = h('button', {
        type: 'button', class: 'btn btn-ghost menu-button', 'aria-expanded': 'false', 'aria-controls': 'site-nav',
    }, 'Menu');
    menuButton.addEventListener('click', () => {
        const open = menuButton.getAttribute('aria-expanded') !== 'true';
        menuButton.setAttribute('aria-expanded', String(open));
        document.body.classList.toggle('menu-open', open);
    });
    themeButton = h('button', { type: 'button', class: 'btn btn-ghost btn-icon theme-toggle' });
    themeButton.addEventListener('click', () => setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark'));
    onThemeChange(updateThemeButton);
    updateThemeButton();
    document.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' && document.body.classList.contains('menu-open')) {
            closeMenu();
            menuButton.focus();
        }
    });

    const header = h('header', { class: 'site-header' },
        h('div', { class: 'header-inner' },
            logo(),
            menuButton,
            h('nav', { id: 'site-nav', class: 'site-nav', 'aria-label': 'Main' }, navList, accountArea),
            themeButton));
    const main = h('main', { id: 'main', class: 'site-main', tabindex: '-1' });
    const footer = h('footer', { class: 'site-footer' },
        h('div', { class: 'footer-inner' },
            h('span', {}, '© InterviewAce'),
            h('a', { href: '/docs', 'data-external': '' }, 'API reference')));
    mount(root, header, main, footer,
        h('div', { id: 'announcer', class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' }),
        h('div', { id: 'toasts', class: 'toasts' }));
    return main;
}

export function goHome() {
    return navigate(currentUser() ? '/dashboard' : '/');
}
