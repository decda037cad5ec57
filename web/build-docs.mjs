#!/usr/bin/env node
// Builds the API reference page served at /docs for embedding: the page and its own script and
// style from web/docs/, and Swagger UI's browser bundle and style from the swagger-ui-dist
// package (pinned in package-lock.json, installed by `npm ci`). Every file but index.html is
// written to OUT/docs/ under a name that carries its content hash, so that it can be cached for
// a year; index.html names them through {{asset:NAME}} placeholders. Source-map comments are
// dropped (the maps are not served), and Swagger UI's licence and notice travel with it.
//
// Usage: node web/build-docs.mjs --out DIR [--stamp FILE]
// Files are rewritten only when their content changes, and files of earlier builds are
// removed, so an unchanged page leaves the build untouched.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail as failWith, parseArgs, writeOutputs, writeStamp } from './build-files.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PAGE = join(HERE, 'docs');
const DIST = join(HERE, '..', 'node_modules', 'swagger-ui-dist');
const TEMPLATE_RE = /\{\{asset:([^}]+)\}\}/g;
const SOURCE_MAP_RE = /\n?\/[*/]# sourceMappingURL=[^\n]*\n?/g;
const LICENCE = 'swagger-ui-LICENSE.txt';
const SCRIPT = 'web/build-docs.mjs';

function fail(message) {
    failWith(SCRIPT, message);
}

function read(dir, name) {
    const path = join(dir, name);
    if (!existsSync(path)) {
        fail(dir === DIST ? `${path} is missing: run \`npm ci\` (make build does)` : `${path} is missing`);
    }
    return readFileSync(path);
}

// "swagger-ui-bundle.js" -> "swagger-ui-bundle-<hash>.js"
function fingerprinted(name, content) {
    const ext = name.endsWith('.LICENSE.txt') ? '.txt' : extname(name);
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
    return `${name.slice(0, -ext.length)}-${hash}${ext}`;
}

function build(outDir) {
    const version = JSON.parse(read(DIST, 'package.json')).version;
    const assets = new Map(); // source name -> { name, content }
    const add = (name, content) => assets.set(name, { name: fingerprinted(name, content), content });

    // The licence first: the bundle's header comment names it.
    const licence = [
        `Swagger UI ${version} (swagger-ui-dist), built into the InterviewAce API reference.\n`,
        read(DIST, 'NOTICE').toString('utf8'),
        read(DIST, 'LICENSE').toString('utf8'),
        '\nThird-party components of swagger-ui-bundle.js:\n',
        read(DIST, 'swagger-ui-bundle.js.LICENSE.txt').toString('utf8'),
    ].join('\n');
    add(LICENCE, Buffer.from(licence));
    const bundle = read(DIST, 'swagger-ui-bundle.js')
        .toString('utf8')
        .replace('swagger-ui-bundle.js.LICENSE.txt', assets.get(LICENCE).name)
        .replace(SOURCE_MAP_RE, '\n');
    add('swagger-ui-bundle.js', Buffer.from(bundle));
    add('swagger-ui.css', Buffer.from(read(DIST, 'swagger-ui.css').toString('utf8').replace(SOURCE_MAP_RE, '\n')));
    for (const name of readdirSync(PAGE).sort()) {
        if (name === 'index.html' || name.startsWith('.')) continue;
        add(name, read(PAGE, name));
    }

    const used = new Set();
    const html = read(PAGE, 'index.html')
        .toString('utf8')
        .replace(TEMPLATE_RE, (_, ref) => {
            const asset = assets.get(ref.trim());
            if (!asset) fail(`web/docs/index.html: no asset ${ref}`);
            used.add(ref.trim());
            return `/docs/${asset.name}`;
        });
    for (const name of assets.keys()) if (!used.has(name)) fail(`web/docs/index.html never names ${name}`);

    const outputs = new Map([['docs/index.html', Buffer.from(html)]]);
    for (const { name, content } of assets.values()) outputs.set(`docs/${name}`, content);
    writeOutputs(outDir, ['docs'], outputs);
    return outputs;
}

const args = parseArgs(SCRIPT, process.argv.slice(2));
const outputs = build(resolve(args.out));
if (args.stamp) writeStamp(args.stamp, outputs);
