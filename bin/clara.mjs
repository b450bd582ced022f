#!/usr/bin/env node
// Runs the TypeScript CLI straight from source through tsx, so `npx clara` never runs a stale build.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
