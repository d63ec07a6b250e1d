export { run, USAGE } from './main.js';
export { selfCommand } from './self.js';
