#!/usr/bin/env node
// Builds the web app for embedding: every file of web/app/ except index.html is written to
// OUT/assets/ under a fingerprinted name (its content hash in the name, so that it can be
// cached for a year), and index.html, naming those files, to OUT/root/. ES modules keep
// their own files; the relative imports between them are rewritten to the fingerprinted
// names, leaves first, so a module's hash covers everything it imports. No dependencies but
// build-files.mjs beside it.
//
// Usage: node web/build.mjs --out DIR [--stamp FILE]
// Files are rewritten only when their content changes and files of earlier builds are
// removed, so an unchanged app leaves the build untouched.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail as failWith, parseArgs, writeOutputs, writeStamp } from './build-files.mjs';

const SRC = join(dirname(fileURLToPath(import.meta.url)), 'app');
const ROOT_FILES = new Set(['index.html', 'robots.txt']);
const IMPORT_RE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\2/g;
const CSS_URL_RE = /url\(\s*(['"]?)(\.{1,2}\/[^'")]+)\1\s*\)/g;
const TEMPLATE_RE = /\{\{asset:([^}]+)\}\}/g;

const SCRIPT = 'web/build.mjs';

function fail(message) {
    failWith(SCRIPT, message);
}

// Every file below dir, as paths relative to SRC with forward slashes, sorted.
function listFiles(dir) {
    const out = [];
    for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.')) continue;
        const full = join(dir, name);
        if (statSync(full).isDirectory()) out.push(...listFiles(full));
        else out.push(relative(SRC, full).split('\\').join('/'));
    }
    return out;
}

function hashOf(content) {
    return createHash('sha256').update(content).digest('hex').slice(0, 12);
}

// "js/pages/dashboard.js" -> "pages.dashboard-<hash>.js" (flat, so assets/ has no folders).
function fingerprintedName(rel, content) {
    const ext = extname(rel);
    const stem = rel.replace(/^(js|css|img)\//, '').slice(0, -ext.length).split('/').join('.');
    return `${stem}-${hashOf(content)}${ext}`;
}

function resolveRef(fromRel, spec) {
    const target = posix.normalize(posix.join(posix.dirname(fromRel), spec));
    if (target.startsWith('..')) fail(`${fromRel}: ${spec} points outside web/app`);
    return target;
}

function build(outDir) {
    const files = listFiles(SRC);
    const sources = new Map(files.map((rel) => [rel, readFileSync(join(SRC, rel))]));
    const built = new Map(); // rel -> { name, content }
    const visiting = new Set();

    // Builds one asset after the assets it refers to, so that their names are known.
    function emit(rel, via) {
        if (built.has(rel)) return built.get(rel);
        if (!sources.has(rel)) fail(`${via}: no such file ${rel}`);
        if (visiting.has(rel)) fail(`import cycle through ${rel}`);
        visiting.add(rel);
        let content = sources.get(rel);
        const rewrite = (re, text) =>
            text.replace(re, (whole, ...groups) => {
                const spec = re === IMPORT_RE ? groups[2] : groups[1];
                const dep = emit(resolveRef(rel, spec), rel);
                return whole.replace(spec, `./${dep.name}`);
            });
        if (rel.endsWith('.js')) content = Buffer.from(rewrite(IMPORT_RE, content.toString('utf8')));
        else if (rel.endsWith('.css')) content = Buffer.from(rewrite(CSS_URL_RE, content.toString('utf8')));
        visiting.delete(rel);
        const entry = { name: fingerprintedName(rel, content), content, module: rel.endsWith('.js') };
        built.set(rel, entry);
        return entry;
    }

    for (const rel of files) if (!ROOT_FILES.has(rel)) emit(rel, 'web/app');

    const index = sources.get('index.html');
    if (!index) fail('web/app/index.html is missing');
    const used = new Set();
    let html = index.toString('utf8').replace(TEMPLATE_RE, (_, rel) => {
        used.add(rel.trim());
        return `/assets/${emit(rel.trim(), 'index.html').name}`;
    });
    // Preload every module the entry point reaches, so that the browser fetches them at once
    // instead of one import level at a time.
    const preload = [...built.entries()]
        .filter(([rel, e]) => e.module && !used.has(rel) && rel !== 'js/theme-init.js')
        .map(([, e]) => `<link rel="modulepreload" href="/assets/${e.name}">`)
        .join('\n    ');
    html = html.replace('{{modulepreload}}', preload);

    const outputs = new Map();
    for (const e of built.values()) outputs.set(`assets/${e.name}`, e.content);
    for (const rel of ROOT_FILES) {
        if (rel === 'index.html') outputs.set('root/index.html', Buffer.from(html));
        else if (sources.has(rel)) outputs.set(`root/${rel}`, sources.get(rel));
    }

    const changed = writeOutputs(outDir, ['root', 'assets'], outputs);
    return { outputs, changed };
}

const args = parseArgs(SCRIPT, process.argv.slice(2));
const { outputs } = build(resolve(args.out));
if (args.stamp) writeStamp(args.stamp, outputs);
