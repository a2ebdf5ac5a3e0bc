/**
 * Business-hall password strength rule (documented for customers):
 * - 8 to 64 characters;
 * - at least three of: lower-case letter, upper-case letter, digit, symbol;
 * - must not contain the account's phone number digits (last 8) or username;
 * - must not be one character repeated or a simple run (12345678, abcdefgh).
 */
export type PasswordRule = 'LENGTH' | 'CHAR_CLASSES' | 'CONTAINS_PERSONAL' | 'TRIVIAL';

export const passwordRuleText: Record<PasswordRule, { 'zh-CN': string; en: string }> = {
  LENGTH: { 'zh-CN': '密码长度须为 8 到 64 位', en: 'password must be 8 to 64 characters' },
  CHAR_CLASSES: {
    'zh-CN': '密码须包含小写字母、大写字母、数字、符号中的至少三类',
    en: 'password needs three of: lower-case, upper-case, digit, symbol',
  },
  CONTAINS_PERSONAL: {
    'zh-CN': '密码不能包含手机号或用户名',
    en: 'password must not contain your phone number or username',
  },
  TRIVIAL: { 'zh-CN': '密码过于简单', en: 'password is too simple' },
};

function isRun(s: string): boolean {
  if (s.length < 2) return true;
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (Math.abs(step) > 1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}

/** Returns the rules the password breaks (empty = strong enough), most basic first. */
export function checkPassword(
  password: string,
  personal: { phone?: string; username?: string } = {},
): PasswordRule[] {
  const out: PasswordRule[] = [];
  if (password.length < 8 || password.length > 64) out.push('LENGTH');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) out.push('CHAR_CLASSES');
  const lower = password.toLowerCase();
  const digits = (personal.phone ?? '').replace(/\D/g, '');
  const user = (personal.username ?? '').toLowerCase();
  if (
    (digits.length >= 8 && password.includes(digits.slice(-8))) ||
    (user.length >= 3 && lower.includes(user))
  )
    out.push('CONTAINS_PERSONAL');
  if (isRun(lower)) out.push('TRIVIAL');
  return out;
}
