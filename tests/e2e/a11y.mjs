// The accessibility audit of the browser tests: axe-core (npm, pinned in package.json) run in the
// page as it is, failing on any violation of WCAG 2.0 and 2.1, levels A and AA. Nothing is
// disabled. axe is evaluated through the DevTools protocol (page.evaluate), which the app's
// Content-Security-Policy does not govern, so the audit needs no inline script and leaves the
// CSP watch of harness.mjs on.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axe = require('axe-core');

// The rule sets that make up WCAG 2.1 AA in axe's tags.
export const WCAG21AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Runs axe on the whole document (open dialogs included) and returns its violations, each as
// {id, impact, help, nodes: [{target, summary}]}.
export async function axeViolations(page) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axe.source);
    return page.evaluate(async (tags) => {
        const result = await window.axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations'],
        });
        return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary, html: n.html.slice(0, 160) })),
        }));
    }, WCAG21AA);
}

// A readable account of the violations: rule, impact, what it asks, and up to five elements each.
export function describeViolations(violations) {
    return violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5)
        .map((n) => `    at ${n.target}: ${n.html}\n      ${String(n.summary).replace(/\n/g, '\n      ')}`).join('\n')}`
        + (v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '')).join('\n');
}

// Fails when the page, as it is now, has a WCAG 2.1 AA violation; `where` names the screen and
// the theme in the message.
export async function assertAccessible(page, where) {
    const violations = await axeViolations(page);
    if (violations.length)
        throw new Error(`${where}: ${violations.length} WCAG 2.1 AA violation(s) found by axe-core ${axe.version}:\n${describeViolations(violations)}`);
}
