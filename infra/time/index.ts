export { sleep } from './sleep.ts';
export { fanOut } from './fan-out.ts';
