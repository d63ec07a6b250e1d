// Development entry for the patch worker when augprior runs from TypeScript sources (tests):
// registers tsx in this worker thread, then loads the real worker. Built code uses patch-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./patch-worker.ts');
