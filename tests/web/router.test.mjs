// The router's path matching (web/app/js/router.js): parameters decoded, unknown paths and
// malformed percent-encoding sent to the not-found page, and only same-site return paths.
import './stub.mjs';
import test from 'node:test';
import assert from 'node:assert/strict';

const { matchRoute, safeNext, setRoutes } = await import('../../web/app/js/router.js');

const page = (name) => ({ name, render() {} });
setRoutes(
    [
        { path: '/interview/:id', ...page('interview') },
        { path: '/resume/:id/edit', ...page('resume-edit') },
        page('not-found'),
    ],
    null,
);

test('a matching path yields its route and decoded parameters', () => {
    const { route, params } = matchRoute('/interview/abc%20d');
    assert.equal(route.name, 'interview');
    assert.deepEqual(params, { id: 'abc d' });
    assert.equal(matchRoute('/interview/x/').route.name, 'interview'); // trailing slash
    assert.equal(matchRoute('/resume/42/edit').params.id, '42');
});

test('unknown paths and malformed encodings land on the not-found page', () => {
    assert.equal(matchRoute('/nowhere').route.name, 'not-found');
    assert.equal(matchRoute('/interview/a/b').route.name, 'not-found');
    const bad = matchRoute('/interview/%E0%A4%A');
    assert.equal(bad.route.name, 'not-found');
    assert.deepEqual(bad.params, {});
});

test('only same-site paths are followed after signing in', () => {
    assert.equal(safeNext('/dashboard?x=1'), '/dashboard?x=1');
    for (const unsafe of ['https://evil.example', '//evil.example', '/\\evil.example', '', null, 'dashboard'])
        assert.equal(safeNext(unsafe), null, String(unsafe));
});
