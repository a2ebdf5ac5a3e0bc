// Bootstrap of a role thread: loader hooks registered in the main thread do not reach worker
// threads on Node 20, so the thread registers tsx itself before loading the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./role-thread.ts');
