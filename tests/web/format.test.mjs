// The web app's pure formatting helpers (web/app/js/dom.js) and error wording (api.js).
import './stub.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

const dom = await import('../../web/app/js/dom.js');
const { ApiError, describeError } = await import('../../web/app/js/api.js');

test('sizes, durations, bands and plurals read as people write them', () => {
    assert.equal(dom.formatBytes(512), '512 B');
    assert.equal(dom.formatBytes(2048), '2.0 KB');
    assert.equal(dom.formatBytes(20480), '20 KB');
    assert.equal(dom.formatBytes(3 * 1024 * 1024), '3.0 MB');
    assert.equal(dom.formatDuration(125), '2:05');
    assert.equal(dom.formatDuration(-3), '0:00');
    assert.equal(dom.scoreBand(80), 'strong');
    assert.equal(dom.scoreBand(50), 'fair');
    assert.equal(dom.scoreBand(49.9), 'weak');
    assert.equal(dom.scoreBand(null), 'none');
    assert.equal(dom.plural(1, 'answer'), '1 answer');
    assert.equal(dom.plural(3, 'answer'), '3 answers');
    assert.equal(dom.titleCase('system_design'), 'System design');
});

test('errors are explained by code, with a reference for server faults', () => {
    const locked = new ApiError(423, 'ACCOUNT_LOCKED', 'locked', { retryAfter: 600 });
    assert.match(describeError(locked), /10 minutes/);
    const internal = new ApiError(500, 'INTERNAL_ERROR', 'boom', { requestId: 'req-1' });
    assert.match(describeError(internal), /reference req-1/);
    const unknown4xx = new ApiError(409, 'SOMETHING_NEW', 'Said by the server');
    assert.equal(describeError(unknown4xx), 'Said by the server');
    assert.match(describeError(new Error('x')), /Reload it/);
    const invalid = new ApiError(422, 'VALIDATION_ERROR', [{ loc: ['body', 'email'], msg: 'Bad email' }]);
    assert.deepEqual(invalid.fields, { email: 'Bad email' });
});
