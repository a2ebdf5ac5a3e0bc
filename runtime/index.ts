export { runSystem, type RunningSystem } from './run.ts';
export { ROLES, parseRoles, needsClickHouse, RoleError, type Role } from './roles.ts';
export { lockDataDir, DataDirLockedError } from './lock.ts';
