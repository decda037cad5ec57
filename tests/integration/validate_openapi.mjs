#!/usr/bin/env node
// Validates an OpenAPI document file against the OpenAPI 3.1 specification's schema with
// @seriousme/openapi-schema-validator (pinned in package-lock.json, installed by `npm ci`).
// Prints {"valid": true, "version": "3.1"} or {"valid": false, "errors": [...]} and exits 0 or 1.
// Usage: node tests/integration/validate_openapi.mjs FILE
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
if (!file) {
    console.error('usage: node tests/integration/validate_openapi.mjs FILE');
    process.exit(2);
}
const validator = new Validator();
const result = await validator.validate(file);
console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));
process.exit(result.valid ? 0 : 1);
