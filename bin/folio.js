#!/usr/bin/env node
// The `folio` command. npm puts the project's Node 24 (npm package `node`) first on PATH, so
// `npx folio …` and npm scripts run the TypeScript sources natively.
import '../src/main.ts';
