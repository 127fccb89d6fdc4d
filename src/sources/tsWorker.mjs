// Starts a worker thread from TypeScript sources (vitest runs src/ without a build): Node 20
// cannot load .ts, so this registers tsx (a devDependency) in the worker, then loads the module
// named by workerData.tsModule. Built code (dist/) never uses this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsModule);
