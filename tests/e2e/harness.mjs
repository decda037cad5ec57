// The browser tests' stack: the built service on a free loopback port (SQLite, local file
// storage and the offline AI engine in a throw-away directory, TEST_ENDPOINTS on, mail going
// to the capturing mailbox), Debian's Chromium driven by playwright-core with the flags a
// closed network and a root CI user need, and per-page watchers that fail a test on any
// console error, uncaught exception or Content-Security-Policy violation. Everything started
// here is stopped by stop(), and also when the process exits or is interrupted.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BINARY = resolve(process.env.INTERVIEWACE_BIN || join(REPO, 'build/interviewace'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SCREENSHOTS = resolve(process.env.E2E_SCREENSHOTS || join(REPO, 'build/screenshots'));
export const PASSWORD = 'Practice#2024ok';

// Chromium in a sandbox-less container with no network: no sandbox (CI runs as root), no GPU,
// nothing that phones home, no first-run UI, no crash reporter.
const CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
    '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--disable-breakpad',
    '--metrics-recording-only', '--no-pings', '--disable-features=Translate,OptimizationHints,MediaRouter',
    '--password-store=basic', '--use-mock-keychain',
];

const children = new Set();

function killAll() {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    children.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
        killAll();
        process.exit(130);
    });

function freePort() {
    return new Promise((res, rej) => {
        const srv = createServer();
        srv.unref();
        srv.on('error', rej);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => res(port));
        });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stopChild(child, timeoutMs = 15000) {
    return new Promise((res) => {
        if (!child || child.exitCode !== null || child.signalCode !== null) {
            children.delete(child);
            res(child ? child.exitCode : null);
            return;
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', (code) => {
            clearTimeout(timer);
            children.delete(child);
            res(code);
        });
        child.kill('SIGTERM');
    });
}

// Starts the mailbox, then the service. Returns the stack: base URL, mailbox access, the admin
// command line, and stop().
export async function startStack() {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: build it first (make build)`);
    const work = mkdtempSync(join(tmpdir(), 'ia-e2e-'));
    const logPath = join(work, 'server.log');

    const mailbox = spawn('/usr/bin/python3', [join(REPO, 'tests/e2e/mailbox.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(mailbox);
    const ports = await new Promise((res, rej) => {
        let buf = '';
        mailbox.stdout.on('data', (d) => {
            buf += d;
            const nl = buf.indexOf('\n');
            if (nl >= 0) res(JSON.parse(buf.slice(0, nl)));
        });
        mailbox.once('exit', (code) => rej(new Error(`mailbox exited with ${code}`)));
    });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
        PATH: process.env.PATH,
        SECRET_KEY: randomBytes(32).toString('hex'),
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: join(work, 'data'),
        FRONTEND_URL: base,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        TEST_ENDPOINTS: 'true',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(ports.smtp_port),
        SMTP_TLS: 'none',
        // One browser on one address does what many users would: the per-address quotas are
        // raised so that the journeys measure the app, not the rate limiter.
        RATE_LIMIT: '2000',
        RATE_LIMIT_REGISTER: '200',
        RATE_LIMIT_LOGIN: '200',
        RATE_LIMIT_LOGIN_ACCOUNT: '50',
        RATE_LIMIT_RESET: '50',
        RATE_LIMIT_RESEND: '50',
        RATE_LIMIT_UPLOAD: '100',
    };
    for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'])
        if (process.env[name]) env[name] = process.env[name];
    const out = openSync(logPath, 'a');
    const server = spawn(BINARY, ['serve', '--migrate'], { cwd: work, env, stdio: ['ignore', out, out] });
    children.add(server);

    const deadline = Date.now() + 30000;
    for (;;) {
        if (server.exitCode !== null) throw new Error(`the service exited with ${server.exitCode}:\n${tail(logPath)}`);
        try {
            const r = await fetch(`${base}/health`);
            if (r.ok) break;
        } catch (e) {
            // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`the service did not answer /health within 30 s:\n${tail(logPath)}`);
        await sleep(100);
    }

    return {
        base,
        work,
        logPath,
        // The newest message to `to` whose subject matches, waiting for it to arrive.
        async mail(to, subject = /./, { timeout = 15000, after = 0 } = {}) {
            const until = Date.now() + timeout;
            for (;;) {
                const all = await (await fetch(`http://127.0.0.1:${ports.http_port}/messages`)).json();
                const hits = all.slice(after).filter((m) => m.to.map((a) => a.toLowerCase()).includes(to.toLowerCase()) && subject.test(m.subject));
                if (hits.length) return hits[hits.length - 1];
                if (Date.now() > until) throw new Error(`no mail to ${to} matching ${subject} within ${timeout} ms; got ${JSON.stringify(all.map((m) => [m.to, m.subject]))}`);
                await sleep(200);
            }
        },
        async mailCount() {
            return (await (await fetch(`http://127.0.0.1:${ports.http_port}/messages`)).json()).length;
        },
        // interviewace user create --admin, with the password on standard input (docs/api.md §8).
        createAdmin(email, name, password = PASSWORD) {
            const r = spawnSync(BINARY, ['user', 'create', '--email', email, '--name', name, '--admin'], {
                cwd: work, env, input: `${password}\n`, encoding: 'utf8', timeout: 30000,
            });
            if (r.status !== 0) throw new Error(`user create failed (${r.status}): ${r.stderr}${r.stdout}`);
        },
        async stop({ keep = false } = {}) {
            const code = await stopChild(server);
            mailbox.stdin.end();
            await stopChild(mailbox, 5000);
            if (!keep) rmSync(work, { recursive: true, force: true });
            return code;
        },
    };
}

export function tail(path, lines = 40) {
    try {
        return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch (e) {
        return '(no log)';
    }
}

export function launchBrowser() {
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A page in a fresh context (own cookies and storage) that records every console error,
// uncaught exception, failed response and CSP violation. page.problems() lists those not
// expected; page.expectErrors(re) allows console errors matching re until the next check.
export async function openPage(browser, { viewport = { width: 1280, height: 900 }, mobile = false, colorScheme = 'light' } = {}) {
    const context = await browser.newContext({
        viewport, isMobile: mobile, hasTouch: mobile, colorScheme, deviceScaleFactor: 1,
        acceptDownloads: true, locale: 'en-GB', timezoneId: 'UTC',
    });
    const problems = [];
    let allowed = [];
    await context.exposeBinding('__iaReportViolation', (_source, v) => {
        problems.push(`CSP violation: ${v.directive} blocked ${v.blocked || 'inline'} in ${v.source}`);
    });
    await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__iaReportViolation({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile || document.location.pathname });
        });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20000);
    page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const text = msg.text();
        if (allowed.some((re) => re.test(text))) return;
        problems.push(`console error on ${new URL(page.url()).pathname}: ${text}`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught exception on ${new URL(page.url()).pathname}: ${err.message}`));
    page.expectErrors = (...res) => {
        allowed = allowed.concat(res);
    };
    page.problems = () => {
        const list = problems.splice(0);
        allowed = [];
        return list;
    };
    return page;
}

// Fails when the page recorded a problem since the last check.
export function assertClean(page, where = '') {
    const list = page.problems();
    if (list.length) throw new Error(`${where ? `${where}: ` : ''}${list.join('\n')}`);
}

let shotIndex = 0;
// Writes a full-page screenshot to SCREENSHOTS/<NN>-<name>.png.
export async function screenshot(page, name) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    shotIndex += 1;
    const file = join(SCREENSHOTS, `${String(shotIndex).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

export function uniqueEmail(tag) {
    return `${tag}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}@example.com`;
}
