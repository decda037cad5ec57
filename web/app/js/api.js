// The one way the app talks to the service (docs/api.md). The access token lives only in this
// module's memory; the refresh token only in the HttpOnly cookie the service sets in cookie
// mode (§3.3), which scripts can never read. A page reload therefore starts without an access
// token and gets a new one from the cookie ("silent refresh"). Nothing sensitive is stored:
// localStorage holds one flag saying a session may exist, so that a visitor who never signed
// in is not sent to /auth/refresh for nothing.

const BASE = '/api/v1';
const SESSION_HINT = 'ia.session';
const REFRESH_AHEAD_MS = 60 * 1000;

let access = null; // { token, expiresAt }
let refreshing = null;
const endedListeners = new Set();

export class ApiError extends Error {
    constructor(status, code, detail, { retryAfter = null, requestId = null } = {}) {
        super(typeof detail === 'string' ? detail : code);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.retryAfter = retryAfter;
        this.requestId = requestId;
        // 422: the message of each invalid field, by field name ("email", "password", ...).
        this.fields = {};
        if (Array.isArray(detail))
            for (const item of detail) {
                const name = item.loc && item.loc.length > 1 ? item.loc[item.loc.length - 1] : 'body';
                if (!this.fields[name]) this.fields[name] = item.msg;
            }
    }
}

function setHint(on) {
    try {
        if (on) localStorage.setItem(SESSION_HINT, '1');
        else localStorage.removeItem(SESSION_HINT);
    } catch (e) {
        // Storage disabled: the app simply tries a refresh on every load.
    }
}

export function mayHaveSession() {
    try {
        return localStorage.getItem(SESSION_HINT) === '1';
    } catch (e) {
        return true;
    }
}

export function hasAccessToken() {
    return access !== null;
}

function setTokens(pair) {
    access = { token: pair.access_token, expiresAt: Date.now() + (pair.expires_in || 900) * 1000 };
    setHint(true);
}

export function forgetSession() {
    access = null;
    setHint(false);
}

// Called when the session ends without the user asking (expired, revoked elsewhere).
export function onSessionEnded(fn) {
    endedListeners.add(fn);
    return () => endedListeners.delete(fn);
}

function sessionEnded(reason) {
    forgetSession();
    for (const fn of endedListeners) fn(reason);
}

async function errorFrom(res) {
    let body = null;
    try {
        body = await res.json();
    } catch (e) {
        body = null;
    }
    const retryAfter = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    return new ApiError(res.status, (body && body.code) || `HTTP_${res.status}`,
        (body && body.detail) || res.statusText || 'Request failed', {
            retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
            requestId: res.headers.get('X-Request-ID'),
        });
}

function networkError() {
    return new ApiError(0, 'NETWORK', 'The service could not be reached');
}

// Exchanges the refresh cookie for a new token pair. Only one refresh runs at a time in this
// tab, and (where the browser has Web Locks) across tabs, because the service treats a
// refresh token presented twice as stolen and ends the session.
export function refresh() {
    if (refreshing) return refreshing;
    const run = async () => {
        let res;
        try {
            res = await fetch(`${BASE}/auth/refresh`, {
                method: 'POST',
                headers: { 'X-Token-Delivery': 'cookie' },
                credentials: 'same-origin',
            });
        } catch (e) {
            throw networkError();
        }
        if (!res.ok) {
            const err = await errorFrom(res);
            if (res.status === 401 || res.status === 403) forgetSession();
            throw err;
        }
        setTokens(await res.json());
    };
    const locked = navigator.locks ? () => navigator.locks.request('ia-refresh', run) : run;
    refreshing = locked().finally(() => {
        refreshing = null;
    });
    return refreshing;
}

function buildUrl(path, query) {
    const url = new URL(BASE + path, window.location.origin);
    for (const [k, v] of Object.entries(query || {}))
        if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    return url.pathname + url.search;
}

// Sends one API request and returns the parsed JSON (null for 204; the Response itself with
// raw). Throws ApiError. An expired access token is refreshed once, transparently.
export async function request(method, path, opts = {}) {
    const { body, query, auth = true, headers = {}, signal, raw = false, retried = false } = opts;
    if (auth && access && access.expiresAt - Date.now() < REFRESH_AHEAD_MS) {
        try {
            await refresh();
        } catch (e) {
            if (e.code !== 'NETWORK') sessionEnded('expired');
            throw e;
        }
    }
    const h = { ...headers };
    let payload;
    if (body !== undefined) {
        h['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
    }
    if (auth && access) h.Authorization = `Bearer ${access.token}`;
    let res;
    try {
        res = await fetch(buildUrl(path, query), {
            method, headers: h, body: payload, signal, credentials: 'same-origin',
        });
    } catch (e) {
        if (e.name === 'AbortError') throw e;
        throw networkError();
    }
    if (res.status === 401 && auth && !retried) {
        try {
            await refresh();
        } catch (e) {
            if (e.code === 'NETWORK') throw e;
            sessionEnded('expired');
            throw new ApiError(401, 'SESSION_EXPIRED', 'Your session has ended');
        }
        return request(method, path, { ...opts, retried: true });
    }
    if (!res.ok) throw await errorFrom(res);
    if (raw) return res;
    if (res.status === 204) return null;
    const type = res.headers.get('Content-Type') || '';
    return type.includes('json') ? res.json() : res.text();
}

export const api = {
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    put: (path, body, opts) => request('PUT', path, { ...opts, body }),
    patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
    del: (path, body, opts) => request('DELETE', path, { ...opts, body }),
};

// Signs in; the refresh token comes back only as the HttpOnly cookie.
export async function login(email, password) {
    const pair = await request('POST', '/auth/login', {
        body: { email, password }, auth: false, headers: { 'X-Token-Delivery': 'cookie' },
    });
    setTokens(pair);
}

// Ends this session on the service (which also clears the cookie), then forgets it here.
export async function logout(everywhere = false) {
    try {
        if (access) await request('POST', everywhere ? '/auth/logout-all' : '/auth/logout', { retried: true });
    } finally {
        forgetSession();
    }
}

// Uploads one file as multipart part "file", reporting progress (0–1) as it goes.
export async function upload(path, file, { onProgress, signal } = {}) {
    const send = () => new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', BASE + path);
        if (access) xhr.setRequestHeader('Authorization', `Bearer ${access.token}`);
        xhr.responseType = 'text';
        xhr.upload.onprogress = (e) => {
            if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
        };
        xhr.onload = () => resolve(xhr);
        xhr.onerror = () => reject(networkError());
        xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
        if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
        const form = new FormData();
        form.append('file', file, file.name);
        xhr.send(form);
    });
    if (access && access.expiresAt - Date.now() < REFRESH_AHEAD_MS) await refresh();
    let xhr = await send();
    if (xhr.status === 401) {
        await refresh();
        xhr = await send();
    }
    let body = null;
    try {
        body = JSON.parse(xhr.responseText);
    } catch (e) {
        body = null;
    }
    if (xhr.status >= 200 && xhr.status < 300) return body;
    const retryAfter = Number.parseInt(xhr.getResponseHeader('Retry-After') || '', 10);
    throw new ApiError(xhr.status, (body && body.code) || `HTTP_${xhr.status}`,
        (body && body.detail) || 'Upload failed', {
            retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
            requestId: xhr.getResponseHeader('X-Request-ID'),
        });
}

// The file name of a Content-Disposition header (filename* preferred).
function dispositionName(header) {
    if (!header) return null;
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
    if (star) {
        try {
            return decodeURIComponent(star[1].trim());
        } catch (e) {
            // fall through to the plain name
        }
    }
    const plain = /filename\s*=\s*"([^"]*)"/i.exec(header) || /filename\s*=\s*([^;]+)/i.exec(header);
    return plain ? plain[1].trim() : null;
}

// Fetches an attachment with the access token and hands it to the browser as a download.
export async function download(path, { query, fallbackName = 'download' } = {}) {
    const res = await request('GET', path, { query, raw: true });
    const blob = await res.blob();
    const name = dispositionName(res.headers.get('Content-Disposition')) || fallbackName;
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    return name;
}

// What went wrong, said so that the reader knows what to do next.
export function describeError(err) {
    if (!err) return 'Something went wrong. Try again.';
    if (!(err instanceof ApiError)) return 'Something went wrong in the page. Reload it and try again.';
    const wait = err.retryAfter ? Math.max(1, err.retryAfter) : null;
    const messages = {
        NETWORK: 'InterviewAce could not be reached. Check your internet connection, then try again.',
        RATE_LIMITED: `You're doing that a little too often. Wait ${wait || 60} seconds, then try again.`,
        SERVICE_UNAVAILABLE: 'InterviewAce is busy right now. Wait a few seconds, then try again.',
        NOT_READY: 'InterviewAce is starting up or under maintenance. Try again in a minute.',
        SESSION_EXPIRED: 'Your session has ended. Sign in again to continue.',
        INVALID_CREDENTIALS: "That email and password don't match an account. Check both, or reset your password.",
        EMAIL_NOT_VERIFIED: 'Confirm your email address first: open the link we sent you, or send a new one.',
        ACCOUNT_DISABLED: 'This account has been deactivated. Contact your administrator to have it restored.',
        ACCOUNT_LOCKED: `Too many failed sign-in attempts. Try again in ${wait ? Math.ceil(wait / 60) : 15} minutes, or reset your password.`,
        EMAIL_TAKEN: 'An account with this email already exists. Sign in instead, or reset your password.',
        FILE_TOO_LARGE: 'This file is larger than 10 MB. Save a smaller version (for example without images) and upload that.',
        UNSUPPORTED_FILE_TYPE: "This file isn't a readable PDF, Word (.docx) or plain-text (.txt) resume. Export it in one of those formats and try again.",
        UNSUPPORTED_MEDIA_TYPE: 'The file could not be sent. Choose it again and retry.',
        RESUME_NOT_READY: 'This resume is still being analysed. Wait until the analysis finishes, then try again.',
        NOT_FOUND: "We couldn't find that. It may have been deleted, or the link may be incomplete.",
        INVALID_PASSWORD: 'The password you entered is not correct.',
        PASSWORD_REUSED: "Choose a password you haven't used recently.",
        INVALID_RESET_TOKEN: 'This reset link has expired or has already been used. Request a new one below.',
        INVALID_VERIFICATION_TOKEN: 'This confirmation link has expired or has already been used. Sign in to have a new one sent.',
        LAST_ADMIN: "You're the only active administrator. Make someone else an administrator first.",
        CANNOT_MODIFY_SELF: "You can't change your own account from the admin page; use your profile instead.",
        FORBIDDEN: 'This page needs an administrator account.',
        ALREADY_COMPLETED: 'This interview is already complete. Open its summary to see your results.',
        SESSION_NOT_READY: 'The questions are still being prepared. Wait a moment.',
        SESSION_FAILED: 'This interview could not be prepared. Start a new one.',
        TASK_NOT_FAILED: 'That task is no longer failed. Refresh the list.',
        NOT_LATEST_VERSION: 'Only the newest version of a resume can be copied.',
        PAYLOAD_TOO_LARGE: 'That is more text than we can take at once. Shorten it and try again.',
        INTERNAL_ERROR: 'Something went wrong on our side. Try again; if it keeps happening, contact support',
        VALIDATION_ERROR: 'Some fields need your attention.',
    };
    let text = messages[err.code];
    if (!text && typeof err.detail === 'string' && err.status >= 400 && err.status < 500) text = err.detail;
    if (!text) text = err.status >= 500 ? messages.INTERNAL_ERROR : 'Something went wrong. Try again.';
    if (err.code === 'INTERNAL_ERROR' || (err.status >= 500 && !messages[err.code]))
        text += err.requestId ? ` (reference ${err.requestId}).` : '.';
    return text;
}
