/**
 * The one place the engine imports TensorFlow.js from. In Node, tfjs-core's CommonJS build carries
 * no gradient definitions (the full `@tensorflow/tfjs` bundle adds them); tfjs-layers' CommonJS
 * build registers them against the same tfjs-core instance that the backends use, and we need it
 * for exporting models anyway. (Importing tfjs-core's ESM `register_all_gradients` would register
 * them in a second, separate copy of the engine.)
 */
import '@tensorflow/tfjs-layers';

export * from '@tensorflow/tfjs-core';

import { enableProdMode } from '@tensorflow/tfjs-core';

// Production mode: no per-op NaN checks, and no console banner from the cpu backend telling the user
// to install tfjs-node; the backend report (backend.ts) says which backend runs and why, once.
enableProdMode();
