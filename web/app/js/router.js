// Client-side routes on the History API. The service answers every one of these paths with
// index.html (docs/api.md §9), so a reload or a link from an e-mail lands on the right page.
// Each page renders into a fresh container with an AbortSignal that fires when the reader
// leaves, which stops its polling and late updates.

import { currentUser } from './session.js';
import { errorState, loading } from './ui.js';
import { h, mount } from './dom.js';
import { forbidden } from './pages/notfound.js';

let routes = [];
let main = null;
let current = null; // { controller, cleanup }
let onChange = () => {};
let firstRender = true;

function compile(pattern) {
    const names = [];
    const re = pattern.replace(/:([a-z]+)/g, (_, name) => {
        names.push(name);
        return '([^/]+)';
    });
    return { re: new RegExp(`^${re}/?$`), names };
}

// routes: [{ path, render(ctx), access: 'public'|'guest'|'user'|'admin', title }]; the last
// one without a path is the not-found page.
export function setRoutes(table, mainEl, changed) {
    routes = table.map((r) => ({ ...r, ...(r.path ? compile(r.path) : { re: null, names: [] }) }));
    main = mainEl;
    onChange = changed || onChange;
}

// The route of a path and its decoded parameters; the not-found route when none matches or a
// parameter's percent-encoding is malformed ("/interview/%E0" must not throw).
export function matchRoute(pathname) {
    const notFound = { route: routes.find((r) => !r.re), params: {} };
    for (const r of routes) {
        if (!r.re) continue;
        const m = r.re.exec(pathname);
        if (m) {
            const params = {};
            try {
                r.names.forEach((n, i) => {
                    params[n] = decodeURIComponent(m[i + 1]);
                });
            } catch {
                return notFound;
            }
            return { route: r, params };
        }
    }
    return notFound;
}

// A same-site path to return to after signing in, or null when next is unsafe.
export function safeNext(next) {
    if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
    return next;
}

export function navigate(url, { replace = false } = {}) {
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    return render({ scroll: !replace });
}

export function currentPath() {
    return window.location.pathname + window.location.search;
}

export async function render({ scroll = true } = {}) {
    const { route, params } = matchRoute(window.location.pathname);
    const user = currentUser();
    if ((route.access === 'user' || route.access === 'admin') && !user) {
        const next = encodeURIComponent(currentPath());
        return navigate(`/signin?next=${next}`, { replace: true });
    }
    if (route.access === 'guest' && user) {
        const next = safeNext(new URLSearchParams(window.location.search).get('next'));
        return navigate(next || '/dashboard', { replace: true });
    }
    if (current) {
        current.controller.abort();
        if (typeof current.cleanup === 'function') current.cleanup();
    }
    const controller = new AbortController();
    const view = h('div', { class: 'view' });
    const mine = { controller, cleanup: null };
    current = mine;
    mount(main, view);
    document.title = route.title ? `${route.title} · InterviewAce` : 'InterviewAce';
    onChange(route);
    if (scroll) window.scrollTo(0, 0);
    const ctx = {
        params,
        query: new URLSearchParams(window.location.search),
        view,
        signal: controller.signal,
        user,
        setTitle(title) {
            document.title = `${title} · InterviewAce`;
        },
    };
    if (route.access === 'admin' && user.role !== 'admin') {
        forbidden(ctx);
    } else {
        mount(view, loading());
        try {
            const cleanup = await route.render(ctx);
            if (controller.signal.aborted) {
                if (typeof cleanup === 'function') cleanup();
            } else {
                mine.cleanup = cleanup;
            }
        } catch (err) {
            if (err && err.name === 'AbortError') return undefined;
            if (!controller.signal.aborted)
                mount(view, h('h1', { class: 'visually-hidden', tabindex: '-1' }, route.title || 'InterviewAce'),
                    errorState(err, () => render({ scroll: false })));
            if (!(err && err.name === 'ApiError')) console.error(err); // a bug: the browser tests fail on it
        }
    }
    if (!firstRender && !controller.signal.aborted) {
        const heading = view.querySelector('h1');
        if (heading) {
            if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
            heading.focus({ preventScroll: true });
        }
    }
    firstRender = false;
    return undefined;
}

// Follows same-origin links without reloading the page.
export function interceptLinks() {
    document.addEventListener('click', (e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        const a = e.target.closest('a[href]');
        if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
        const url = new URL(a.href, window.location.href);
        if (url.origin !== window.location.origin) return;
        if (url.pathname.startsWith('/api/') || url.pathname === '/docs' || url.pathname.startsWith('/assets/')) return;
        if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
        e.preventDefault();
        navigate(url.pathname + url.search);
    });
    window.addEventListener('popstate', () => render({ scroll: false }));
}
