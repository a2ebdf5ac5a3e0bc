export { AuthStore, type Session, type UserRecord } from './store.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { seedDemoUsers, DEMO_CUSTOMER_MSISDN, type DemoUser } from './demo.ts';
export {
  authRoutes,
  installAuthHook,
  sessionOf,
  anyRole,
  SESSION_COOKIE,
  type AuthOptions,
} from './routes.ts';
