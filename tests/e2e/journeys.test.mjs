// The web app, end to end, in a real browser (Debian's Chromium through playwright-core)
// against the real service: the journeys a job seeker and an administrator take. Every page
// visited is checked for console errors, uncaught exceptions and CSP violations, and
// screenshotted into build/screenshots/ (E2E_SCREENSHOTS overrides).
//
// Run: make test-e2e    (or: node --test tests/e2e/ with INTERVIEWACE_BIN set)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
    PASSWORD, assertClean, launchBrowser, openPage, screenshot, startStack, tail, uniqueEmail,
} from './harness.mjs';
import { REPO } from './harness.mjs';
import { assertAccessible } from './a11y.mjs';

const RESUME_PDF = `${REPO}/tests/fixtures/files/resume.pdf`;
const QUESTIONS = 5;
const JWT_RE = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

let stack;
let browser;
const seeker = { name: 'Marta Lind', email: uniqueEmail('marta'), password: PASSWORD };
const state = {}; // what one journey leaves for the next: resume and session ids, share link

// Two answers try to fool the coach: a bare list of the right terms, and a fluent story about
// something else. Both must score below 40 with feedback that says why.
const KEYWORD_LIST = 'STAR, situation, task, action, result, latency, p95, Redis, cache, PostgreSQL, '
    + 'load test, CI, runbook, on-call, 30% improvement, stakeholder alignment, scalability.';
const OFF_TOPIC = 'Last spring I baked bread for our neighbourhood market every weekend. The situation was that '
    + 'my sourdough starter kept failing, so my task was to make the loaves rise reliably. I weighed the flour '
    + 'and water, kept the dough warm and extended the proof to twelve hours. As a result the loaves rose every '
    + 'time and I sold all forty of them each Saturday, doubling my sales within two months.';

function answerFor(n) {
    if (n === 2) return KEYWORD_LIST;
    if (n === 3) return OFF_TOPIC;
    return `In my last role I owned our payments API. The situation: latency had doubled after a traffic spike (question ${n}). `
        + 'My task was to bring p95 back under 200 ms without a rewrite. I profiled the hot paths, added a Redis cache in front of '
        + 'the ledger reads, batched the PostgreSQL writes and added a load test to CI. As a result p95 dropped by 75% and stayed '
        + 'there; I wrote a runbook so the on-call team could handle the next spike, and next time I would add alerts earlier.';
}

// Waits until the page shows no loading state.
async function settled(page) {
    await page.waitForLoadState('load');
    await page.waitForFunction(() => !document.querySelector('.state-loading'), null, { timeout: 20000 });
}

async function visit(page, path, what) {
    const res = await page.goto(stack.base + path);
    await settled(page);
    assert.ok(res.headers()['content-security-policy'].includes("default-src 'self'"), `${path}: CSP header`);
    assertClean(page, what || path);
    return res;
}

// A file-name-friendly name for a path: ids become "id".
function slug(path) {
    return path.split('/').filter(Boolean).map((p) => (p.length > 20 ? 'id' : p)).join('-') || 'home';
}

async function fillSignIn(page, email, password) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// Registers through the form and confirms the address from the e-mailed link.
async function registerAndConfirm(page, person, shots = false) {
    await visit(page, '/register');
    await page.getByLabel('Full name').fill(person.name);
    await page.getByLabel('Email').fill(person.email);
    const pw = page.getByLabel('Password', { exact: true });
    await pw.fill('short');
    assert.equal(await page.locator('.rule.met').count(), 1, 'five lower-case letters meet one rule');
    await pw.fill(person.password);
    assert.equal(await page.locator('.rule.met').count(), 5, 'every password rule is ticked');
    if (shots) await screenshot(page, 'register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    if (shots) await screenshot(page, 'register-check-inbox');
    const mail = await stack.mail(person.email, /Confirm/);
    const link = mail.links.find((l) => l.includes('/verify-email?token='));
    assert.ok(link && link.startsWith(stack.base), `confirmation link points at the app: ${link}`);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Your email is confirmed' }).waitFor();
    if (shots) await screenshot(page, 'verify-email');
    assertClean(page, 'register and confirm');
}

async function signInFresh(person, opts) {
    const page = await openPage(browser, opts);
    await visit(page, '/signin');
    await fillSignIn(page, person.email, person.password);
    await page.waitForURL('**/dashboard');
    await settled(page);
    return page;
}

before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
});

after(async () => {
    if (browser) await browser.close();
    if (stack) {
        const failed = process.exitCode && process.exitCode !== 0;
        if (failed) console.log(`--- service log (tail) ---\n${tail(stack.logPath)}`); // eslint-disable-line no-console
        await stack.stop();
    }
});

describe('web app', { concurrency: false }, () => {
    test('full journey: register, confirm, upload, analysis, interview, feedback, summary, dashboard', { timeout: 240000 }, async () => {
        const page = await openPage(browser);
        await visit(page, '/');
        await screenshot(page, 'landing');
        await registerAndConfirm(page, seeker, true);

        await page.getByRole('link', { name: 'Sign in', exact: true }).last().click();
        await page.waitForURL('**/signin?verified=1');
        await page.getByText('Your email is confirmed. Sign in to get started.').waitFor();
        await screenshot(page, 'signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await settled(page);
        await page.getByRole('heading', { name: /Welcome back, Marta/ }).waitFor();
        await screenshot(page, 'dashboard-new');
        assertClean(page, 'dashboard before any interview');

        // Upload the resume and watch the analysis arrive.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resumes' }).click();
        await settled(page);
        await page.getByRole('heading', { name: 'Upload your first resume' }).waitFor();
        await screenshot(page, 'resumes-empty');
        await page.getByRole('link', { name: 'Upload a resume' }).first().click();
        await page.getByText('PDF, Word (.docx) or plain text (.txt), up to 10 MB').waitFor();
        await screenshot(page, 'resume-upload');
        await page.setInputFiles('#resume-file', RESUME_PDF);
        await page.waitForURL(/\/resumes\/[0-9a-f-]{36}$/);
        state.resumeId = page.url().split('/').pop();
        await page.getByRole('heading', { name: 'Skills' }).waitFor({ timeout: 30000 });
        await page.getByText('Analysed', { exact: true }).waitFor();
        for (const skill of ['Python', 'PostgreSQL', 'Kubernetes'])
            await page.locator('.chip', { hasText: skill }).first().waitFor();
        await page.getByRole('heading', { name: 'Experience' }).waitFor();
        await screenshot(page, 'resume-analysis');
        assertClean(page, 'resume analysis');

        // Match a job description.
        await page.getByLabel('Job description', { exact: true }).fill('We need a backend engineer with Python, PostgreSQL, Kubernetes, Rust and GraphQL experience.');
        await page.getByRole('button', { name: 'Check the match' }).click();
        await page.getByRole('heading', { name: 'Requirements you meet' }).waitFor({ timeout: 30000 });
        await page.locator('.req-met li', { hasText: 'Python' }).first().waitFor();
        await page.getByRole('img', { name: /Match score: \d+(\.\d)? out of 100/ }).waitFor();

        // Share it, and open the link as somebody else.
        await page.getByRole('button', { name: 'Create share link' }).click();
        const shareUrl = await page.locator('#share-url').inputValue();
        assert.match(shareUrl, /\/resume\/shared\/[A-Za-z0-9_-]{43}$/);
        state.shareUrl = shareUrl;
        await page.getByText(/Expires in \d+ days/).waitFor();
        const visitor = await openPage(browser);
        await visitor.goto(shareUrl);
        await settled(visitor);
        await visitor.getByRole('heading', { name: 'Marta Okonkwo-Lind' }).waitFor();
        assert.ok(!(await visitor.content()).includes(seeker.email), 'the public view never shows the e-mail');
        await screenshot(visitor, 'resume-shared-public');
        assertClean(visitor, 'public shared resume');
        await visitor.context().close();

        // Export as JSON: a real download with the service's file name.
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('button', { name: 'JSON' }).click(),
        ]);
        assert.match(download.suggestedFilename(), /^resume_export_[0-9a-f-]{36}\.json$/);
        assertClean(page, 'share and export');

        // An interview with this resume: five questions, each answered and scored.
        await page.getByRole('link', { name: 'Practise with this resume' }).click();
        await page.getByRole('heading', { name: 'Start an interview' }).waitFor();
        await settled(page);
        assert.equal(await page.getByLabel('Resume').inputValue(), state.resumeId);
        // Categories a role has none of are disabled and explained before the session starts.
        await page.getByLabel('Target role').fill('Registered Nurse');
        await page.waitForFunction(() => document.querySelector('input[name=focus][value=coding]').disabled);
        await page.getByText('Interviews for the nurse role have no coding questions', { exact: false }).waitFor();
        await page.getByLabel('Target role').fill('Backend Engineer');
        await page.waitForFunction(() => !document.querySelector('input[name=focus][value=coding]').disabled);
        await page.getByLabel('Number of questions').fill(String(QUESTIONS));
        await page.getByText('Technical', { exact: true }).click();
        // Follow-up questions are on by default; this journey is about the planned five.
        assert.equal(await page.getByLabel('Ask follow-up questions').isChecked(), true);
        await page.getByLabel('Ask follow-up questions').uncheck();
        await screenshot(page, 'interview-start');
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        state.sessionId = page.url().split('/').pop();
        for (let n = 1; n <= QUESTIONS; n++) {
            await page.getByText(`Question ${n} of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
            const answer = page.getByLabel('Your answer');
            await answer.fill(answerFor(n));
            await page.getByText(`${answerFor(n).length} / 5,000 characters`).waitFor();
            if (n === 1) await screenshot(page, 'interview-question');
            await page.getByRole('button', { name: n === QUESTIONS ? 'Submit last answer' : 'Submit and continue' }).click();
        }
        await page.getByRole('heading', { name: 'All questions answered' }).waitFor();
        // Each answer's feedback appears as it is scored.
        await page.waitForFunction((n) => document.querySelectorAll('.feedback-item.status-evaluated').length === n, QUESTIONS, { timeout: 60000 });
        assert.equal(await page.locator('.feedback-item .score').count(), QUESTIONS);
        // The keyword list and the off-topic story score below 40, and the feedback says why.
        for (const [n, why] of [[2, /lists terms rather than explaining them/], [3, /about something other than the question/]]) {
            const item = page.locator('.feedback-item', { hasText: `Question ${n} ·` });
            const score = Number.parseFloat(await item.locator('.score').first().textContent());
            assert.ok(score < 40, `answer ${n} (${n === 2 ? 'keyword list' : 'off-topic'}) scored ${score}`);
            assert.match(await item.textContent(), why);
            await item.getByText(/Graded by the built-in offline coach/).waitFor();
        }
        await screenshot(page, 'interview-feedback');
        assertClean(page, 'live interview');

        await page.getByRole('button', { name: 'Finish and see my results' }).click();
        await page.waitForURL(`**/interviews/${state.sessionId}/summary`, { timeout: 60000 });
        await settled(page);
        const ring = page.getByRole('img', { name: /^Final score: \d+(\.\d)? out of 100$/ });
        await ring.waitFor();
        const finalScore = Number(/Final score: ([\d.]+)/.exec(await ring.getAttribute('aria-label'))[1]);
        assert.ok(finalScore >= 0 && finalScore <= 100, `final score on the 0–100 scale: ${finalScore}`);
        assert.equal(await page.locator('.summary-question').count(), QUESTIONS);
        assert.equal(await page.locator('.summary-question .model-answer').count(), QUESTIONS);
        await page.getByRole('heading', { name: 'Score breakdown' }).waitFor();
        await screenshot(page, 'interview-summary');
        assertClean(page, 'summary');

        // The dashboard now shows it.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
        await settled(page);
        const completed = page.locator('.stat', { hasText: 'Interviews completed' }).locator('.stat-value');
        assert.equal(await completed.textContent(), '1');
        await page.locator('.chart-line svg').waitFor();
        await page.locator('.chart-bars svg').first().waitFor();
        await page.getByRole('region', { name: 'Recent sessions' }).getByText('Completed').waitFor();
        await screenshot(page, 'dashboard');
        assertClean(page, 'dashboard after the interview');
        await page.context().close();
    });

    // Issue 19, sessions you control (docs/api.md §4.5): "Practise again" keeps every setting,
    // the session has one name, Ctrl+Enter submits, and a session can be cancelled and deleted.
    test('practise again with the same settings, submit with Ctrl+Enter, cancel and delete', { timeout: 150000 }, async () => {
        const page = await openPage(browser);
        await visit(page, '/signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await settled(page);
        await visit(page, `/interviews/${state.sessionId}/summary`);
        const title = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
        assert.match(title, /^Backend Engineer · /, `the session's one name: ${title}`);
        // In the header and after the questions: both links are on the page.
        assert.equal(await page.getByRole('link', { name: 'Practise again' }).count(), 2);
        await page.getByRole('link', { name: 'Practise again' }).first().click();
        await page.getByRole('heading', { name: 'Practise again', level: 1 }).waitFor();
        await settled(page);
        assert.equal(await page.getByLabel('Resume').inputValue(), state.resumeId);
        assert.equal(await page.getByLabel('Target role').inputValue(), 'Backend Engineer');
        assert.equal(await page.getByLabel('Number of questions').inputValue(), String(QUESTIONS));
        assert.equal(await page.locator('input[name=focus][value=technical]').isChecked(), true);
        assert.equal(await page.locator('input[name=difficulty]:checked').inputValue(), 'mixed');
        await screenshot(page, 'interview-practise-again');
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        const again = page.url().split('/').pop();
        assert.notEqual(again, state.sessionId);
        await page.getByRole('heading', { name: title, level: 1 }).waitFor();
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        // Ctrl+Enter submits the answer.
        await page.getByLabel('Your answer').fill(answerFor(1));
        await page.getByLabel('Your answer').press('Control+Enter');
        await page.getByText(`Question 2 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        // The feedback header is a heading, with the strengths and the rest under it.
        await page.getByRole('heading', { name: /^Question 1 · Technical/, level: 3 }).waitFor({ timeout: 60000 });
        // Cancel: asked first, then the page says so and the session is kept as cancelled.
        await page.getByRole('button', { name: 'Cancel interview' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel interview' }).click();
        await page.getByRole('heading', { name: 'This interview was cancelled' }).waitFor();
        await screenshot(page, 'interview-cancelled');
        await visit(page, '/interviews');
        const row = page.locator('.list-row', { has: page.locator(`a[href="/interviews/${again}"]`) });
        await row.getByText('Cancelled', { exact: true }).waitFor();
        assert.equal((await row.locator('.list-title').textContent()).trim(), title, 'the same name in the history');
        // Delete: asked first, then gone from the history and the dashboard.
        await row.getByRole('button', { name: `Delete ${title}` }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete interview' }).click();
        await page.getByText('Interview deleted.').waitFor();
        await page.waitForFunction((id) => !document.querySelector(`a[href="/interviews/${id}"]`), again);
        assert.equal(await page.locator(`a[href="/interviews/${again}"]`).count(), 0);
        await visit(page, '/dashboard');
        assert.equal(await page.locator(`a[href^="/interviews/${again}"]`).count(), 0, 'gone from the dashboard');
        const recent = page.getByRole('region', { name: 'Recent sessions' });
        assert.equal((await recent.locator('.list-title').first().textContent()).trim(), title, 'the same name on the dashboard');
        assertClean(page, 'practise again, cancel and delete');
        await page.context().close();
    });

    // Issue 19, retry an answer (docs/api.md §4.2): the attempts side by side with the score
    // before and after and the points newly covered.
    test('retry an answer and see both attempts side by side, score before and after', { timeout: 150000 }, async () => {
        const page = await openPage(browser);
        await visit(page, '/signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await visit(page, `/interviews/new?again=${state.sessionId}`);
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        const id = page.url().split('/').pop();
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        await page.getByLabel('Your answer').fill("I'm not sure, I would probably look it up.");
        await page.getByRole('button', { name: 'Submit and continue' }).click();
        await page.getByText(`Question 2 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        const retry = page.getByRole('button', { name: 'Try again: question 1' });
        await retry.waitFor({ timeout: 60000 });
        await retry.click();
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor();
        await page.getByText('Your attempt 1', { exact: false }).waitFor();
        await page.getByLabel('Your answer').fill(answerFor(1));
        await page.getByRole('button', { name: 'Submit attempt 2' }).click();
        // Back where the interview was, with both attempts compared once the new one is scored.
        await page.getByText(`Question 2 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        const compare = page.locator('.attempts-compare');
        await compare.waitFor({ timeout: 60000 });
        assert.equal(await compare.locator('.attempt-col').count(), 2);
        const delta = await compare.locator('.attempt-delta').textContent();
        const m = /Score ([\d.]+) → ([\d.]+) \(([+−][\d.]+)\)/.exec(delta);
        assert.ok(m, `score before and after: ${delta}`);
        assert.ok(Number(m[2]) > Number(m[1]), `the better answer scores higher: ${delta}`);
        await compare.getByRole('heading', { name: 'Newly covered' }).waitFor();
        await screenshot(page, 'interview-retry-compare');
        assertClean(page, 'retry an answer');
        assert.equal(await page.locator('.feedback-item', { hasText: 'Question 1 ·' }).locator('.attempt-answer').first().textContent(),
            "I'm not sure, I would probably look it up.", 'the earlier attempt is kept as written');
        assert.ok(id);
        await page.context().close();
    });

    // Issue 19, single-question practice and voice answers (docs/api.md §4.7, §4.2): the bank is
    // browsed by category, difficulty and words, one question is practised on its own with the
    // same feedback; a dictated answer (a scripted SpeechRecognition stands in for the
    // microphone) shows its words per minute and filler words next to the feedback, and where
    // the browser has no speech recognition the dictation button is disabled with its reason.
    test('practise one question from the bank, dictated, with words per minute and filler words', { timeout: 150000 }, async () => {
        const person = { name: 'Bank Person', email: uniqueEmail('bank'), password: PASSWORD };
        const setup = await openPage(browser);
        await registerAndConfirm(setup, person);
        await setup.context().close();
        const page = await openPage(browser);
        await page.addInitScript(() => {
            class ScriptedRecognition {
                start() {
                    setTimeout(() => this.onstart && this.onstart(), 0);
                    setTimeout(() => {
                        const alt = { transcript: 'Um, when a release broke checkout I, uh, owned the rollback, you know, and '
                            + 'then I added a canary stage so the error rate was caught within five minutes.' };
                        const result = Object.assign([alt], { isFinal: true });
                        this.onresult({ resultIndex: 0, results: [result] });
                    }, 50);
                    // About twelve seconds of speech for 29 words: an ordinary pace.
                    this.timer = setTimeout(() => this.stop(), 12000);
                }

                stop() {
                    clearTimeout(this.timer);
                    if (this.ended) return;
                    this.ended = true;
                    setTimeout(() => this.onend && this.onend(), 0);
                }
            }
            window.SpeechRecognition = ScriptedRecognition;
        });
        await visit(page, '/signin');
        await fillSignIn(page, person.email, person.password);
        await page.waitForURL('**/dashboard');
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Question bank' }).click();
        await page.waitForURL('**/questions');
        await page.locator('.bank-row').first().waitFor();
        await page.getByLabel('Category').selectOption('behavioral');
        await page.getByLabel('Difficulty').selectOption('medium');
        await page.waitForURL(/category=behavioral&difficulty=medium/);
        await settled(page);
        const first = page.locator('.bank-row').first();
        await first.waitFor();
        assert.match(await first.textContent(), /Behavioral/);
        await screenshot(page, 'question-bank');
        assertClean(page, 'question bank');
        const text = (await first.locator('.bank-text').textContent()).trim();
        await first.getByRole('button', { name: /^Practise this question:/ }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        await page.getByText('Question 1 of 1', { exact: true }).waitFor({ timeout: 30000 });
        assert.equal((await page.locator('#question-text').textContent()).trim(), text);
        const dictate = page.getByRole('button', { name: 'Dictate' });
        await dictate.click();
        await page.getByRole('button', { name: 'Stop dictating' }).waitFor();
        await page.waitForFunction(() => document.querySelector('#answer').value.includes('canary'));
        await page.getByRole('button', { name: 'Dictate' }).waitFor({ timeout: 20000 }); // the speaker stopped
        await page.getByRole('button', { name: 'Submit last answer' }).click();
        const item = page.locator('.feedback-item').first();
        await page.locator('.feedback-item.status-evaluated').first().waitFor({ timeout: 60000 });
        const voice = await item.locator('.voice-stats').textContent();
        const wpm = /Spoken at (\d+) words a minute · ([3-9]) filler words/.exec(voice);
        assert.ok(wpm, voice);
        assert.ok(Number(wpm[1]) >= 100 && Number(wpm[1]) <= 200, `about 29 words in 12 seconds: ${voice}`);
        await screenshot(page, 'practice-voice-feedback');
        assertClean(page, 'single-question practice');
        await visit(page, '/interviews');
        await page.getByText('Single-question practice', { exact: false }).first().waitFor();
        await page.context().close();

        const plain = await openPage(browser);
        await plain.addInitScript(() => {
            delete window.SpeechRecognition;
            delete window.webkitSpeechRecognition;
        });
        await visit(plain, '/signin');
        await fillSignIn(plain, person.email, person.password);
        await plain.waitForURL('**/dashboard');
        await visit(plain, '/questions');
        await plain.locator('.bank-row').first().getByRole('button', { name: /^Practise this question:/ }).click();
        await plain.getByText('Question 1 of 1', { exact: true }).waitFor({ timeout: 30000 });
        assert.ok(await plain.getByRole('button', { name: 'Dictate' }).isDisabled(), 'no speech recognition: disabled');
        await plain.getByText('Dictation is not available in this browser; type your answer.').waitFor();
        assertClean(plain, 'dictation unsupported');
        await plain.context().close();
    });

    // Issue 19, drafts that survive (docs/api.md §4.2): saved after a pause, restored after a
    // reload and a navigation; leaving with a change not saved yet asks first.
    test('a draft is restored after a reload and leaving with an unsaved change asks first', { timeout: 120000 }, async () => {
        const page = await openPage(browser);
        await visit(page, '/signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await visit(page, `/interviews/new?again=${state.sessionId}`);
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        const url = page.url();
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        const first = 'Situation: our nightly deploys kept failing.';
        await page.getByLabel('Your answer').fill(first);
        // Leaving at once, before the draft is saved, asks first; staying keeps the text.
        await page.getByRole('link', { name: 'Interviews' }).first().click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('heading', { name: 'Leave this question?' }).waitFor();
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        assert.equal(page.url(), url);
        await page.getByText('Draft saved', { exact: true }).waitFor({ timeout: 10000 });
        await page.reload();
        await settled(page);
        await page.getByText('Draft restored', { exact: true }).waitFor({ timeout: 30000 });
        assert.equal(await page.getByLabel('Your answer').inputValue(), first);
        // A change not saved yet: "Save draft and leave" saves it, and it is there on return.
        const more = `${first} I added a canary stage.`;
        await page.getByLabel('Your answer').fill(more);
        await page.getByRole('link', { name: 'Interviews' }).first().click();
        await page.getByRole('dialog').getByRole('button', { name: 'Save draft and leave' }).click();
        await page.waitForURL('**/interviews');
        await visit(page, new URL(url).pathname);
        await page.getByText('Draft restored', { exact: true }).waitFor({ timeout: 30000 });
        assert.equal(await page.getByLabel('Your answer').inputValue(), more);
        await screenshot(page, 'interview-draft-restored');
        assertClean(page, 'drafts');
        await page.context().close();
    });

    // Issue 19, follow-up questions (docs/api.md §4.6): a vague answer gets one follow-up about
    // what it missed, linked to its question and graded like any question.
    test('a vague answer gets a follow-up question, answered and graded like any other', { timeout: 180000 }, async () => {
        const page = await openPage(browser);
        await visit(page, '/signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await visit(page, `/interviews/new?again=${state.sessionId}`);
        await page.getByLabel('Ask follow-up questions').check();
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        await page.getByLabel('Your answer').fill("I don't know.");
        await page.getByRole('button', { name: 'Submit and continue' }).click();
        // Answer the rest; a follow-up to question 1 is asked after the planned questions.
        let sawFollowUp = false;
        for (let i = 0; i < 15; i++) {
            const done = page.getByRole('heading', { name: 'All questions answered' });
            const question = page.locator('#question-text');
            await Promise.race([done.waitFor({ timeout: 60000 }), question.waitFor({ timeout: 60000 })]);
            if (await done.isVisible()) {
                await page.getByRole('button', { name: 'Finish and see my results' }).click();
                await Promise.race([page.waitForURL('**/summary', { timeout: 60000 }), question.waitFor({ timeout: 60000 })]);
                if (page.url().endsWith('/summary')) break;
                continue;
            }
            const meta = await page.locator('.question-meta').textContent();
            if (/Follow-up to question 1/.test(meta)) {
                sawFollowUp = true;
                assert.match(await question.textContent(), /^Follow-up:/);
                await screenshot(page, 'interview-follow-up');
            }
            const before = await question.textContent();
            await page.getByLabel('Your answer').fill(answerFor(1));
            await page.getByLabel('Your answer').press('Control+Enter');
            await page.waitForFunction((t) => document.querySelector('#question-text')?.textContent !== t, before, { timeout: 60000 });
        }
        assert.ok(sawFollowUp, 'the vague answer to question 1 got a follow-up');
        await page.waitForURL('**/summary', { timeout: 60000 });
        await settled(page);
        assert.ok(await page.locator('.summary-question').count() > QUESTIONS, 'the follow-ups are in the summary');
        assertClean(page, 'follow-up questions');
        await page.context().close();
    });

    // Issue 19, time (docs/api.md §4.1): a time limit per answer counts down and warns before
    // the end (the page's clock is driven by the test).
    test('a time limit per answer counts down and warns before the end', { timeout: 120000 }, async () => {
        const page = await openPage(browser);
        await page.clock.install();
        await visit(page, '/signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await visit(page, `/interviews/new?again=${state.sessionId}`);
        await page.getByLabel('Time limit per answer').selectOption('1');
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        const id = page.url().split('/').pop();
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        const timer = page.getByRole('timer');
        assert.equal((await timer.textContent()).trim(), '1:00');
        await page.clock.runFor(20000);
        assert.equal((await timer.textContent()).trim(), '0:40');
        assert.equal(await page.locator('.timer-wrap.timer-warning').count(), 0);
        await page.clock.runFor(26000);
        await page.locator('.timer-wrap.timer-warning').waitFor();
        await page.getByText('seconds left for this answer', { exact: false }).waitFor({ state: 'attached' });
        await screenshot(page, 'interview-countdown');
        await page.clock.runFor(20000);
        assert.equal((await timer.textContent()).trim(), "Time's up");
        await page.locator('.timer-wrap.timer-over').waitFor();
        // Still accepted after the time is up (the time taken is checked in test_interview_practice.py).
        await page.getByLabel('Your answer').fill(answerFor(1));
        await page.getByRole('button', { name: 'Submit and continue' }).click();
        await page.getByText(`Question 2 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        assert.ok(id);
        assertClean(page, 'countdown');
        await page.context().close();
    });

    test('on a 390 × 844 phone the timer stays on the question line and the answer box shows without scrolling', { timeout: 120000 }, async () => {
        const page = await openPage(browser, { viewport: { width: 390, height: 844 }, mobile: true });
        await visit(page, '/signin');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await visit(page, `/interviews/new?again=${state.sessionId}`);
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        const id = page.url().split('/').pop();
        await page.getByText(`Question 1 of ${QUESTIONS}`, { exact: true }).waitFor({ timeout: 30000 });
        await page.evaluate(() => window.scrollTo(0, 0));
        const [num, timer, box] = await Promise.all(['.question-number', '.timer-wrap', '#answer']
            .map((sel) => page.locator(sel).evaluate((e) => e.getBoundingClientRect().toJSON())));
        assert.ok(Math.abs(num.top - timer.top) < 6, `the timer is on the question's line (${num.top} vs ${timer.top})`);
        assert.ok(box.top + 60 <= 844, `the answer box starts above the fold: top ${Math.round(box.top)}px`);
        await screenshot(page, 'phone-interview-question');
        assertClean(page, 'phone live interview');
        await page.getByRole('button', { name: 'Delete' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete interview' }).click();
        await page.waitForURL('**/interviews');
        assert.equal(await page.locator(`a[href="/interviews/${id}"]`).count(), 0);
        await page.context().close();
    });

    test('sign out, then sign in again and return to the page you wanted', { timeout: 90000 }, async () => {
        const page = await openPage(browser);
        await page.goto(`${stack.base}/resumes`);
        await page.waitForURL('**/signin?next=%2Fresumes');
        await page.getByText('Sign in to continue to that page.').waitFor();
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/resumes');
        await settled(page);
        await page.locator('.resume-item').first().waitFor();

        // The access token lives in memory only: a reload signs in again from the cookie.
        await page.reload();
        await settled(page);
        assert.equal(new URL(page.url()).pathname, '/resumes');
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
        const stored = await page.evaluate(() => Object.entries(localStorage));
        assert.ok(stored.every(([, v]) => !JWT_RE.test(v)), `no token in localStorage: ${JSON.stringify(stored)}`);
        assert.ok(!(await page.evaluate(() => document.cookie)).includes('refresh_token'), 'the refresh cookie is not readable by scripts');
        const cookie = (await page.context().cookies()).find((c) => c.name === 'refresh_token');
        assert.ok(cookie, 'the refresh token is a cookie');
        assert.deepEqual([cookie.httpOnly, cookie.sameSite, cookie.path], [true, 'Strict', '/api/v1/auth']);
        assertClean(page, 'reload');

        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL('**/signin?signedout=1');
        await page.getByText("You've signed out.").first().waitFor();
        await screenshot(page, 'signed-out');
        assert.equal((await page.context().cookies()).filter((c) => c.name === 'refresh_token' && c.value).length, 0, 'sign-out clears the cookie');
        await page.goto(`${stack.base}/dashboard`);
        await page.waitForURL('**/signin?next=%2Fdashboard');

        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await settled(page);
        assertClean(page, 'sign in again');
        await page.context().close();
    });

    test('a forgotten password is reset through the e-mailed link', { timeout: 90000 }, async () => {
        const person = { name: 'Reset Person', email: uniqueEmail('reset'), password: PASSWORD };
        const page = await openPage(browser);
        await registerAndConfirm(page, person);
        await visit(page, '/signin');
        await page.getByRole('link', { name: 'Forgot your password?' }).click();
        await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
        await page.getByLabel('Email').fill(person.email);
        await screenshot(page, 'forgot-password');
        await page.getByRole('button', { name: 'Send reset link' }).click();
        await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
        const mail = await stack.mail(person.email, /Reset/);
        const link = mail.links.find((l) => l.includes('/reset-password?token='));
        await page.goto(link);
        await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
        const fresh = 'Brand-new#Pass9';
        await page.getByLabel('New password', { exact: true }).fill(fresh);
        await page.getByLabel('Repeat the new password').fill('Different#Pass9');
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.getByText("The two passwords don't match.").waitFor();
        await page.getByLabel('Repeat the new password').fill(fresh);
        await screenshot(page, 'reset-password');
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.waitForURL('**/signin?reset=1');
        await page.getByText('Your password has been changed.').waitFor();

        // The old password no longer works, and the app says what to do.
        page.expectErrors(/status of 401/);
        await fillSignIn(page, person.email, person.password);
        await page.getByText("That email and password don't match an account.").waitFor();
        assertClean(page, 'old password refused');
        await fillSignIn(page, person.email, fresh);
        await page.waitForURL('**/dashboard');
        await settled(page);
        assertClean(page, 'signed in with the new password');
        await page.context().close();
    });

    test('an administrator manages users, roles and failed tasks', { timeout: 120000 }, async () => {
        const admin = { name: 'Ada Admin', email: uniqueEmail('admin'), password: PASSWORD };
        stack.createAdmin(admin.email, admin.name, admin.password);
        // A background task that fails, for the failed-task list.
        const queued = await (await fetch(`${stack.base}/__test/jobs`, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kind: 'test.fail' }),
        })).json();
        const jobId = queued.ids[0];
        for (let i = 0; i < 200; i++) {
            const job = await (await fetch(`${stack.base}/__test/jobs/${jobId}`)).json();
            if (job.status === 'FAILURE') break;
            await new Promise((r) => setTimeout(r, 150));
        }

        // A member cannot enter the admin area.
        const member = await signInFresh(seeker);
        assert.equal(await member.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true }).count(), 0);
        await visit(member, '/admin');
        await member.getByRole('heading', { name: 'This area is for administrators' }).waitFor();
        await member.context().close();

        const page = await signInFresh(admin);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true }).click();
        await settled(page);
        await page.locator('.stat', { hasText: 'Failed tasks' }).waitFor();
        assert.ok(Number(await page.locator('.stat', { hasText: 'Users' }).locator('.stat-value').textContent()) >= 3);
        await screenshot(page, 'admin-overview');

        await page.getByRole('link', { name: 'Users', exact: true }).click();
        await settled(page);
        await page.getByLabel('Search users').fill('marta');
        const row = page.locator('tr', { hasText: seeker.email });
        await row.waitFor();
        await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1, null, { timeout: 5000 });
        await row.getByRole('button', { name: `Deactivate ${seeker.email}` }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
        await row.getByText('Deactivated', { exact: true }).waitFor();
        await screenshot(page, 'admin-users');
        await row.getByRole('button', { name: `Activate ${seeker.email}` }).click();
        await row.getByText('Active', { exact: true }).waitFor();
        await row.getByLabel(`Role of ${seeker.email}`).selectOption('admin');
        await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
        await page.getByText(`${seeker.email} is now an administrator.`).waitFor();
        await row.getByLabel(`Role of ${seeker.email}`).selectOption('user');
        await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
        await page.getByText(`${seeker.email} is now a member.`).waitFor();
        assertClean(page, 'admin users');

        await page.getByRole('link', { name: 'Failed tasks' }).click();
        await settled(page);
        const task = page.locator('tr', { hasText: jobId });
        await task.getByText('This job always fails').waitFor();
        await screenshot(page, 'admin-failed-tasks');
        await task.getByRole('button', { name: /^Retry/ }).click();
        await task.getByText('Pending', { exact: true }).waitFor();
        assertClean(page, 'admin tasks');
        await page.context().close();
    });

    test('resumes by drag and drop, deletion, and the profile: name, data export, deleting the account', { timeout: 120000 }, async () => {
        const person = { name: 'Pat Profile', email: uniqueEmail('profile'), password: PASSWORD };
        const page = await openPage(browser);
        await registerAndConfirm(page, person);
        await visit(page, '/signin');
        await fillSignIn(page, person.email, person.password);
        await page.waitForURL('**/dashboard');
        await settled(page);

        // Drop a file on the upload area: a wrong type is refused before sending, a resume is sent.
        await visit(page, '/resumes/new');
        const drop = async (name, text) => {
            const data = await page.evaluateHandle(({ n, t }) => {
                const dt = new DataTransfer();
                dt.items.add(new File([t], n, { type: 'text/plain' }));
                return dt;
            }, { n: name, t: text });
            await page.dispatchEvent('.dropzone', 'drop', { dataTransfer: data });
        };
        await drop('notes.exe', 'MZ');
        await page.getByText('"notes.exe" isn\'t a PDF, Word (.docx) or plain-text (.txt) file.').waitFor();
        await drop('pat-resume.txt', readFileSync(`${REPO}/tests/fixtures/files/resume_bom_crlf.txt`, 'utf8'));
        await page.waitForURL(/\/resumes\/[0-9a-f-]{36}$/);
        await page.getByText('Analysed', { exact: true }).waitFor({ timeout: 30000 });
        assertClean(page, 'drag and drop upload');
        await page.getByRole('button', { name: 'Delete' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete resume' }).click();
        await page.waitForURL('**/resumes');
        await settled(page);
        await page.getByRole('heading', { name: 'Upload your first resume' }).waitFor();

        await visit(page, '/profile');
        await page.getByLabel('Full name').fill('Pat Renamed');
        await page.getByRole('button', { name: 'Save name' }).click();
        await page.getByText('Your name is saved.').waitFor();
        await page.locator('.account-name', { hasText: 'Pat Renamed' }).waitFor();
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('button', { name: 'Download my data' }).click(),
        ]);
        assert.match(download.suggestedFilename(), /^interviewace-export-[0-9a-f-]{36}\.json$/);
        const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
        assert.equal(exported.user.email, person.email);
        await screenshot(page, 'profile');
        assertClean(page, 'profile');

        // Deleting needs the password; a wrong one is refused in the dialog.
        page.expectErrors(/status of 400/);
        await page.getByRole('button', { name: 'Delete my account' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Enter your password to confirm').fill('Wrong#Passw0rd');
        await dialog.getByRole('button', { name: 'Delete my account' }).click();
        await dialog.getByText('The password you entered is not correct.').waitFor();
        await dialog.getByLabel('Enter your password to confirm').fill(person.password);
        await dialog.getByRole('button', { name: 'Delete my account' }).click();
        await page.waitForURL(`${stack.base}/`);
        await page.getByText('Your account has been deleted.').waitFor();
        assertClean(page, 'account deleted');
        await visit(page, '/signin');
        page.expectErrors(/status of 401/);
        await fillSignIn(page, person.email, person.password);
        await page.getByText("That email and password don't match an account.").waitFor();
        assertClean(page, 'deleted account cannot sign in');
        await page.context().close();
    });

    test('a correction of the analysis is kept and used: match, reload, share', { timeout: 150000 }, async () => {
        const person = { name: 'Cora Rection', email: uniqueEmail('correct'), password: PASSWORD };
        const page = await openPage(browser);
        await registerAndConfirm(page, person);
        await visit(page, '/signin');
        await fillSignIn(page, person.email, person.password);
        await page.waitForURL('**/dashboard');
        await settled(page);
        await visit(page, '/resumes/new');
        await page.setInputFiles('#resume-file', `${REPO}/tests/fixtures/files/resume_bom_crlf.txt`);
        await page.waitForURL(/\/resumes\/[0-9a-f-]{36}$/);
        await page.getByText('Analysed', { exact: true }).waitFor({ timeout: 30000 });
        assert.ok(!(await page.content()).includes('Analysis confidence 100%'), 'never a claimed 100% confidence');
        assert.ok(!/Analysis confidence<\/dt><dd>100%/.test(await page.content()), 'never a claimed 100% confidence');

        // Edit: a new name, a new skill, a new position with a wrong date, shown at its field.
        await page.getByRole('button', { name: 'Edit analysis' }).click();
        const form = page.locator('.analysis-edit');
        await form.locator('input[name="name"]').fill('Quinn Corrected');
        await form.getByRole('button', { name: 'Add a skill' }).click();
        await form.locator('input[name="skill"]').last().fill('Elixir');
        await form.getByRole('button', { name: 'Add a position' }).click();
        const entry = form.locator('.edit-entry').filter({ has: page.locator('input[name="job_title"]') }).last();
        await entry.locator('input[name="job_title"]').fill('Platform Engineer');
        await entry.locator('input[name="company"]').fill('Zyxwave Labs');
        await entry.locator('input[name="start_date"]').fill('2020-13');
        page.expectErrors(/status of 422/);
        await form.getByRole('button', { name: 'Save corrections' }).click();
        await entry.getByText('Date should be YYYY-MM or YYYY').waitFor();
        await screenshot(page, 'resume-edit-error');
        await entry.locator('input[name="start_date"]').fill('2020-01');
        await form.getByRole('button', { name: 'Save corrections' }).click();
        await page.getByText('Corrections saved. Your interviews and matches use them from now on.').waitFor();
        await page.locator('.chip', { hasText: 'Elixir' }).first().waitFor();
        await page.locator('[data-flag="edited-name"]').waitFor();
        await page.getByText('Zyxwave Labs').first().waitFor();
        await screenshot(page, 'resume-edited');
        assertClean(page, 'analysis corrected');

        // The match uses the correction; the job description and the match survive a reload.
        const jd = 'Required: Elixir and Python. Nice to have: Haskell.';
        await page.getByLabel('Job description', { exact: true }).fill(jd);
        await page.getByRole('button', { name: 'Check the match' }).click();
        await page.locator('.req-met li', { hasText: 'Elixir' }).first().waitFor({ timeout: 30000 });
        await page.reload();
        await settled(page);
        await page.locator('[data-flag="edited-skills"]').waitFor();
        await page.locator('.req-met li', { hasText: 'Elixir' }).first().waitFor();
        assert.equal(await page.getByLabel('Job description', { exact: true }).inputValue(), jd);
        assertClean(page, 'match after reload');

        // The public share shows the corrected name.
        await page.getByRole('button', { name: 'Create share link' }).click();
        const shareUrl = await page.locator('#share-url').inputValue();
        const visitor = await openPage(browser);
        await visitor.goto(shareUrl);
        await settled(visitor);
        await visitor.getByRole('heading', { name: 'Quinn Corrected' }).waitFor();
        await visitor.getByText('Zyxwave Labs').first().waitFor();
        assertClean(visitor, 'public share after a correction');
        await visitor.context().close();
        await page.context().close();
    });

    test('a phone-sized screen (360 px wide) has every page usable without sideways scrolling', { timeout: 120000 }, async () => {
        const phone = { viewport: { width: 360, height: 780 }, mobile: true };
        const page = await openPage(browser, phone);
        const noOverflow = async (what) => {
            const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > 361)
                .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`));
            const width = await page.evaluate(() => document.documentElement.scrollWidth);
            assert.ok(width <= 360, `${what}: the page is ${width}px wide on a 360px screen: ${wide.join(', ')}`);
        };
        await visit(page, '/');
        await noOverflow('landing');
        await screenshot(page, 'phone-landing');
        await visit(page, '/signin');
        await noOverflow('sign in');
        await fillSignIn(page, seeker.email, seeker.password);
        await page.waitForURL('**/dashboard');
        await settled(page);
        await noOverflow('dashboard');
        await screenshot(page, 'phone-dashboard');

        const menu = page.getByRole('button', { name: 'Menu' });
        assert.equal(await menu.getAttribute('aria-expanded'), 'false');
        assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false, 'the navigation folds behind the menu');
        await menu.click();
        assert.equal(await menu.getAttribute('aria-expanded'), 'true');
        await screenshot(page, 'phone-menu');
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resumes' }).click();
        await settled(page);
        await noOverflow('resumes');
        for (const path of [`/resumes/${state.resumeId}`, '/interviews', '/interviews/new', '/questions', `/interviews/${state.sessionId}/summary`, '/profile']) {
            await visit(page, path);
            await noOverflow(path);
            await screenshot(page, `phone-${slug(path)}`);
        }
        assertClean(page, 'phone');
        await page.context().close();
    });

    test('signing in works with the keyboard alone, in a sensible focus order', { timeout: 60000 }, async () => {
        const page = await openPage(browser);
        await visit(page, '/signin');
        const seen = [];
        const describeFocus = () => page.evaluate(() => {
            const el = document.activeElement;
            return `${el.tagName.toLowerCase()}:${el.getAttribute('name') || el.textContent.trim().slice(0, 30)}`;
        });
        for (let i = 0; i < 15 && !seen.includes('input:email'); i++) {
            await page.keyboard.press('Tab');
            seen.push(await describeFocus());
        }
        assert.equal(seen[0], 'a:Skip to main content', `the skip link comes first: ${seen}`);
        assert.ok(seen.includes('input:email'), `the e-mail field is reachable: ${seen}`);
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
        assert.notEqual(outline, 'none', 'the focused field shows a focus ring');
        await page.keyboard.type(seeker.email);
        await page.keyboard.press('Tab');
        assert.equal(await describeFocus(), 'input:password');
        await page.keyboard.type(seeker.password);
        const rest = [];
        for (let i = 0; i < 3; i++) {
            await page.keyboard.press('Tab');
            rest.push(await describeFocus());
        }
        assert.deepEqual(rest, ['button:Show', 'a:Forgot your password?', 'button:Sign in']);
        await page.keyboard.press('Enter');
        await page.waitForURL('**/dashboard');
        await settled(page);
        assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'focus moves to the new page\'s heading');
        assertClean(page, 'keyboard sign-in');
        await page.context().close();
    });

    test('every page renders with no console error, no CSP violation and nothing inline, in both themes', { timeout: 180000 }, async () => {
        const anonymous = await openPage(browser);
        const publicPages = ['/', '/signin', '/register', '/forgot-password', '/reset-password', '/verify-email', new URL(state.shareUrl).pathname, '/no/such/page'];
        for (const path of publicPages) {
            await visit(anonymous, path);
            const inline = await anonymous.evaluate(() => ({
                scripts: document.querySelectorAll('script:not([src])').length,
                styles: document.querySelectorAll('style').length,
                attrs: document.querySelectorAll('[style]:not([style=""])').length,
            }));
            assert.deepEqual(inline, { scripts: 0, styles: 0, attrs: 0 }, `${path}: nothing inline`);
        }
        await anonymous.context().close();

        const admin = { name: 'Sweep Admin', email: uniqueEmail('sweep'), password: PASSWORD };
        stack.createAdmin(admin.email, admin.name, admin.password);
        const pages = ['/dashboard', '/resumes', '/resumes/new', `/resumes/${state.resumeId}`, '/interviews', '/interviews/new',
            '/questions', `/interviews/${state.sessionId}/summary`, '/profile'];
        for (const scheme of ['light', 'dark']) {
            const page = await signInFresh(seeker, { colorScheme: scheme });
            assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), scheme, 'the theme follows the system');
            for (const path of pages) {
                await visit(page, path, `${path} (${scheme})`);
                await screenshot(page, `${scheme}-${slug(path)}`);
                // (Chromium's autofill may leave an empty style attribute on inputs; that sets nothing.)
                const styled = await page.evaluate(() => [...document.querySelectorAll('[style]:not([style=""])')].map((e) => e.outerHTML.slice(0, 120)));
                assert.deepEqual(styled, [], `${path}: no style attributes`);
            }
            await page.context().close();
            const adminPage = await signInFresh(admin, { colorScheme: scheme });
            for (const path of ['/admin', '/admin?tab=users', '/admin?tab=tasks']) {
                await visit(adminPage, path, `${path} (${scheme})`);
                await screenshot(adminPage, `${scheme}-admin-${path.split('=')[1] || 'overview'}`);
            }
            await adminPage.context().close();
        }

        // The toggle switches the theme and remembers the choice.
        const page = await signInFresh(seeker, { colorScheme: 'light' });
        await page.getByRole('button', { name: 'Switch to dark theme' }).click();
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
        await page.reload();
        await settled(page);
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'the choice survives a reload');
        assertClean(page, 'theme toggle');
        await page.context().close();
    });

    test('the API reference at /docs renders every operation, from this service alone', { timeout: 90000 }, async () => {
        const page = await openPage(browser);
        const elsewhere = [];
        page.on('request', (req) => {
            if (!req.url().startsWith(`${stack.base}/`) && !req.url().startsWith('data:')) elsewhere.push(req.url());
        });
        const res = await page.goto(`${stack.base}/docs`);
        assert.ok(res.headers()['content-security-policy'].includes("default-src 'self'"), '/docs: CSP header');
        const doc = await (await fetch(`${stack.base}/openapi.json`)).json();
        const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
        await page.locator('.opblock').first().waitFor();
        assert.equal(await page.locator('.opblock').count(), operations, 'one block per operation of /openapi.json');
        await page.getByRole('heading', { name: /InterviewAce API/ }).waitFor();

        // An operation opens with its documented request body (the example of the register
        // form) and its responses (the codes of its errors).
        const register = page.locator('#operations-auth-postAuthRegister');
        await register.locator('.opblock-summary').click();
        await register.getByText('Str0ng#Passw0rd', { exact: false }).first().waitFor();
        await register.getByText('EMAIL_TAKEN', { exact: false }).first().waitFor();
        await screenshot(page, 'docs');

        assert.equal(await page.locator('a.docs-home').getAttribute('href'), '/', 'a link back to the app');
        assert.deepEqual(elsewhere, [], 'no request leaves the service');
        assertClean(page, '/docs');
        await page.context().close();
    });
});

// ---- rough edges of issue 19 ------------------------------------------------------------------
// One score format on every page (a whole number out of 100, the grader's prose included), the
// trend chart labelled by interview with the date and time in its tooltip, a failed upload not
// counted as a resume, the summary folded per question with a jump list and the weakest answer
// first, the profile's e-mail and data card, the password status region emptied with the
// fields, a resume's skills as a list and "No score yet" for a missing score.
describe('web app rough edges (issue 19)', { concurrency: false }, () => {
    test('scores, trend, resume count, summary, profile and password status read right', { timeout: 180000 }, async () => {
        const page = await signInFresh(seeker);
        const wholeOutOf100 = /^\d{1,3}\/100$/;

        // The summary: the ring, the prose, the badges and the jump list say one number each.
        await visit(page, `/interviews/${state.sessionId}/summary`);
        const ring = await page.getByRole('img', { name: /^Final score: / }).getAttribute('aria-label');
        assert.match(ring, /^Final score: \d{1,3} out of 100$/, 'the final score is a whole number');
        const final = /(\d+) out of 100/.exec(ring)[1];
        const prose = await page.locator('.summary-hero .summary').textContent();
        assert.doesNotMatch(prose, /(scored|averaged|averaging|lowest at|\() ?\d+\.\d/, 'no score with a decimal in the prose');
        if (/scored (\d+)/.test(prose)) assert.equal(/scored (\d+)/.exec(prose)[1], final, 'the prose and the ring agree');
        const badges = await page.locator('.summary-question .score').allTextContents();
        assert.equal(badges.length, QUESTIONS);
        for (const b of badges) assert.match(b, wholeOutOf100);
        const scores = badges.map((b) => Number.parseInt(b, 10));
        assert.deepEqual(scores, [...scores].sort((a, b) => a - b), 'the weakest answer comes first');
        assert.equal(await page.locator('.summary-question-body[open]').count(), 0, 'every question starts folded');
        const jumps = page.getByRole('navigation', { name: 'Jump to a question' }).getByRole('link');
        assert.equal(await jumps.count(), QUESTIONS);
        assert.match(await jumps.first().textContent(), new RegExp(`${scores[0]}/100$`));
        await jumps.nth(2).click();
        const third = page.locator('.summary-question').nth(2);
        assert.equal(await third.locator('.summary-question-body').evaluate((d) => d.open), true, 'the jump unfolds its question');
        assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H3', 'and moves focus to its heading');
        assert.equal(new URL(page.url()).pathname, `/interviews/${state.sessionId}/summary`);
        await page.getByRole('button', { name: 'Expand all' }).click();
        assert.equal(await page.locator('.summary-question-body[open]').count(), QUESTIONS);
        await page.getByRole('button', { name: 'Collapse all' }).waitFor();
        assertClean(page, 'summary');

        // The dashboard shows the same number; the trend is labelled by interview, with the date
        // and time in the tooltip; the history list's badge agrees.
        await visit(page, '/dashboard');
        // Other journeys complete sessions of this user too: the best is a whole number, at
        // least this session's score.
        const best = await page.locator('.stat', { hasText: 'Best score' }).locator('.stat-value').textContent();
        assert.match(best, /^\d{1,3}$/);
        assert.ok(Number(best) >= Number(final), `best ${best} below this session's ${final}`);
        assert.equal(await page.locator('.chart-line .chart-axis').first().textContent(), '#1');
        const tip = await page.locator('.chart-line .chart-dot title').first().textContent();
        assert.match(tip, new RegExp(`^Interview 1, .*\\d{1,2}:\\d{2}: ${final}/100$`), `tooltip with date and time: ${tip}`);
        await visit(page, '/interviews');
        const row = page.locator('.list-row').filter({ has: page.locator(`a[href="/interviews/${state.sessionId}/summary"]`) });
        assert.equal(await row.locator('.score').textContent(), `${final}/100`);

        // A failed upload is not counted as a resume; the list shows skills as a list.
        await visit(page, '/resumes/new');
        await page.setInputFiles('#resume-file', `${REPO}/tests/fixtures/files/image_only.pdf`);
        await page.waitForURL(/\/resumes\/[0-9a-f-]{36}$/);
        state.failedResumeId = page.url().split('/').pop();
        await page.getByText('Failed', { exact: true }).first().waitFor({ timeout: 30000 });
        await visit(page, '/dashboard');
        assert.equal(await page.locator('.stat', { hasText: 'Resumes' }).locator('.stat-value').textContent(), '1', 'the failed upload is not a resume');
        await visit(page, '/resumes');
        const analysed = page.locator('.resume-item', { hasText: 'Analysed' }).first();
        assert.ok(await analysed.locator('ul.chip-list > li').count() >= 1, 'skills are a list');

        // An interview not yet scored reads "No score yet".
        await visit(page, '/interviews/new');
        await page.getByLabel('Number of questions').fill('5');
        await page.getByRole('button', { name: 'Start interview' }).click();
        await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
        await page.getByText('Question 1 of 5', { exact: true }).waitFor({ timeout: 30000 });
        await visit(page, '/interviews');
        await page.locator('.list-row', { hasText: 'In progress' }).first().getByText('No score yet', { exact: true }).waitFor();
        assertClean(page, 'scores and lists');
        await page.context().close();

        // The profile: the e-mail wraps only at its "@" or a dot, "Download my data" keeps its
        // distance from the next paragraph, and a password change empties the status region.
        const person = { name: 'Polly Profile', email: uniqueEmail('polly-with-a-rather-long-address'), password: PASSWORD };
        const setup = await openPage(browser);
        await registerAndConfirm(setup, person);
        await setup.context().close();
        for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
            const p = await signInFresh(person, { viewport });
            await visit(p, '/profile');
            const email = p.locator('.fact', { hasText: 'Email' }).first().locator('dd');
            assert.equal(await email.textContent(), person.email);
            const midWord = await email.evaluate((dd) => {
                // Each line box of the address must end at a break the address allows.
                const range = document.createRange();
                const text = [...dd.querySelectorAll('*'), dd].flatMap((n) => [...n.childNodes]).filter((n) => n.nodeType === 3);
                const tops = [];
                for (const node of text) {
                    for (let i = 0; i < node.length; i++) {
                        range.setStart(node, i);
                        range.setEnd(node, i + 1);
                        const r = range.getClientRects()[0];
                        if (r) tops.push({ ch: node.data[i], top: Math.round(r.top) });
                    }
                }
                const bad = [];
                for (let i = 1; i < tops.length; i++)
                    if (tops[i].top > tops[i - 1].top && !['@', '.'].includes(tops[i].ch) && tops[i - 1].ch !== '-') bad.push(`${tops[i - 1].ch}|${tops[i].ch}`);
                return bad;
            });
            assert.deepEqual(midWord, [], `the e-mail breaks mid-word at ${viewport.width}px`);
            const gap = await p.getByRole('button', { name: 'Download my data' }).evaluate((b) => {
                const next = b.closest('.card-section').nextElementSibling.querySelector('p');
                return next.getBoundingClientRect().top - b.getBoundingClientRect().bottom;
            });
            assert.ok(gap >= 16, `"Download my data" is ${gap}px from the next paragraph at ${viewport.width}px`);
            await screenshot(p, `profile-${viewport.width}`);
            assertClean(p, `profile at ${viewport.width}px`);
            await p.context().close();
        }
        const p = await signInFresh(person);
        await visit(p, '/profile');
        const fresh = 'Another#Pass42';
        await p.getByLabel('Current password').fill(person.password);
        await p.getByLabel('New password', { exact: true }).fill(fresh);
        const status = p.locator('.password-checklist [aria-live]');
        await p.waitForFunction(() => document.querySelector('.password-checklist [aria-live]').textContent === 'Password meets every rule.');
        await p.getByRole('button', { name: 'Change password' }).click();
        await p.getByText('Password changed.', { exact: false }).waitFor();
        assert.equal(await p.getByLabel('New password', { exact: true }).inputValue(), '');
        assert.equal(await status.textContent(), '', 'the status region is emptied with the fields');
        assert.equal(await p.locator('.rule.met').count(), 0);
        person.password = fresh;
        assertClean(p, 'password change');
        await p.context().close();
    });
});

// ---- accessibility audit (issue 19) -----------------------------------------------------------
// Every screen of the app, signed out, as a member and as an administrator, in the light and the
// dark theme, and the states a screen changes into (form errors, an open dialog, a question and
// its feedback on the live interview page, every question of a summary unfolded), audited with
// axe-core against WCAG 2.1 A and AA (tests/e2e/a11y.mjs). Any violation fails the test with the
// rule, the element and what to fix. Runs after the journeys above, on the data they left.
describe('accessibility: every screen passes a WCAG 2.1 AA audit in both themes', { concurrency: false }, () => {
    for (const scheme of ['light', 'dark']) {
        test(`every screen and its states, ${scheme} theme`, { timeout: 240000 }, async () => {
            const audit = async (page, what) => {
                await assertAccessible(page, `${what} (${scheme} theme)`);
                assertClean(page, `${what} (${scheme} theme)`);
            };
            // Screens after the first are opened the way the app's own links open them (history
            // and the router), so that axe, once loaded, stays loaded: evaluating its 1.5 MB
            // afresh after every full page load would double the audit's time.
            const visitAndAudit = async (page, path) => {
                if (await page.evaluate(() => typeof window.axe === 'object')) {
                    await page.evaluate((to) => {
                        window.history.pushState(null, '', to);
                        window.dispatchEvent(new PopStateEvent('popstate'));
                    }, path);
                    await settled(page);
                } else {
                    await visit(page, path, `${path} (${scheme})`);
                }
                await audit(page, path);
            };

            // Signed out: every public screen, and the forms with their errors showing.
            const anonymous = await openPage(browser, { colorScheme: scheme });
            for (const path of ['/', '/signin', '/register', '/forgot-password', '/reset-password', '/reset-password?token=not-a-real-token',
                '/verify-email', new URL(state.shareUrl).pathname, '/no/such/page'])
                await visitAndAudit(anonymous, path);
            await visit(anonymous, '/register');
            await anonymous.getByLabel('Password', { exact: true }).fill('short');
            await anonymous.getByRole('button', { name: 'Create account' }).click();
            await anonymous.locator('.field-error:not([hidden])').first().waitFor();
            await audit(anonymous, '/register with its errors');
            await visit(anonymous, '/signin');
            await anonymous.getByRole('button', { name: 'Sign in', exact: true }).click();
            await anonymous.locator('.field-error:not([hidden])').first().waitFor();
            await audit(anonymous, '/signin with its errors');
            await anonymous.context().close();

            // A member: a question and then its feedback on the live interview page.
            const page = await signInFresh(seeker, { colorScheme: scheme });
            await audit(page, '/dashboard');
            await visit(page, `/interviews/new?resume=${state.resumeId}`);
            await page.getByLabel('Number of questions').fill('5');
            await page.getByRole('button', { name: 'Start interview' }).click();
            await page.waitForURL(/\/interviews\/[0-9a-f-]{36}$/);
            const live = new URL(page.url()).pathname;
            await page.getByText('Question 1 of 5', { exact: true }).waitFor({ timeout: 30000 });
            await audit(page, 'live interview, first question');
            await page.getByLabel('Your answer').fill(answerFor(1));
            await page.getByRole('button', { name: 'Submit and continue' }).click();
            await page.getByText('Question 2 of 5', { exact: true }).waitFor({ timeout: 30000 });
            await page.locator('.feedback-item.status-evaluated').first().waitFor({ timeout: 60000 });
            await audit(page, 'live interview with the feedback of an answer');

            // Every member screen, as it loads (a failed upload's too, when the test above made one).
            for (const path of ['/dashboard', '/resumes', '/resumes?status=error', '/resumes/new', `/resumes/${state.resumeId}`,
                state.failedResumeId ? `/resumes/${state.failedResumeId}` : null, '/interviews', '/interviews/new', '/questions', live,
                `/interviews/${state.sessionId}/summary`, '/profile', '/admin'].filter(Boolean))
                await visitAndAudit(page, path);

            // The summary with every question unfolded; the profile's confirmation dialog.
            await visit(page, `/interviews/${state.sessionId}/summary`);
            await page.getByRole('button', { name: 'Expand all' }).click();
            await page.waitForFunction(() => [...document.querySelectorAll('.summary-question-body')].every((d) => d.open));
            await audit(page, 'summary with every question open');
            await visit(page, '/profile');
            await page.getByRole('button', { name: 'Delete my account' }).click();
            await page.getByRole('dialog').waitFor();
            await audit(page, 'profile with the delete-account dialog open');
            await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
            await page.context().close();

            // An administrator's screens.
            const admin = { name: 'Audit Admin', email: uniqueEmail(`audit-${scheme}`), password: PASSWORD };
            stack.createAdmin(admin.email, admin.name, admin.password);
            const adminPage = await signInFresh(admin, { colorScheme: scheme });
            for (const path of ['/admin', '/admin?tab=users', '/admin?tab=tasks'])
                await visitAndAudit(adminPage, path);
            await adminPage.context().close();
        });
    }
});
