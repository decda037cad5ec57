// What the build scripts of web/ (build.mjs, build-docs.mjs) share: their command line and the
// writing of their outputs, which touches only files whose content changed and removes the
// files of earlier builds, so that an unchanged tree leaves the build untouched.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Prints "<script>: <message>" and ends the process with status 1.
export function fail(script, message) {
    console.error(`${script}: ${message}`);
    process.exit(1);
}

// The command line `--out DIR [--stamp FILE]` as { out, stamp }.
export function parseArgs(script, argv) {
    const args = { out: null, stamp: null };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--out') args.out = argv[++i];
        else if (argv[i] === '--stamp') args.stamp = argv[++i];
        else fail(script, `unknown argument ${argv[i]}`);
    }
    if (!args.out) fail(script, `usage: node ${script} --out DIR [--stamp FILE]`);
    return args;
}

// Writes outputs (a Map of "dir/name" -> Buffer) below outDir, whose subdirectories dirs hold
// nothing else afterwards; returns how many files changed.
export function writeOutputs(outDir, dirs, outputs) {
    let changed = 0;
    for (const dir of dirs) {
        const full = join(outDir, dir);
        mkdirSync(full, { recursive: true });
        for (const name of readdirSync(full))
            if (!outputs.has(`${dir}/${name}`)) {
                rmSync(join(full, name), { recursive: true, force: true });
                changed++;
            }
    }
    for (const [rel, content] of outputs) {
        const full = join(outDir, rel);
        if (existsSync(full) && readFileSync(full).equals(content)) continue;
        writeFileSync(full, content);
        changed++;
    }
    return changed;
}

// Writes the sorted list of outputs to the stamp file the build system watches, when it
// changed.
export function writeStamp(stampPath, outputs) {
    const listing = [...outputs.keys()].sort().join('\n') + '\n';
    const stamp = resolve(stampPath);
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== listing) writeFileSync(stamp, listing);
}
