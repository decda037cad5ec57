// The few browser globals the web app's modules touch when they are imported, so that their
// pure functions can be tested in Node (node --test tests/web/). Import this module first.
globalThis.window = { location: { origin: 'http://localhost', pathname: '/' } };
const store = new Map();
globalThis.localStorage = {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
};
