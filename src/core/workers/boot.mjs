// Runs a TypeScript worker from source (CLI, served twin, tests): a worker thread does not inherit
// the tsx loader of its parent, so it registers its own before loading the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
