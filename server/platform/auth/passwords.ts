import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { badRequest } from '../errors.ts';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
// (Algorithm is a const enum that cannot be imported as a value here; 2 is Argon2id)
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Passwords people actually pick, in China and elsewhere, that are long enough to pass the length
 * rule: keyboard walks, repeated digits, "I love you" in pinyin and numbers, birthdays-as-words.
 */
const COMMON = new Set(
  [
    '1234567890', '0123456789', '12345678910', '123456789a', 'a123456789', '1234567890a', '1q2w3e4r5t', '1qaz2wsx3edc',
    'qwertyuiop', 'qwerty1234', 'qwertyuiop123', 'asdfghjkl1', 'asdfghjkl;', 'zxcvbnm123', 'zxcvbnm,./', '1qazxsw23edc',
    'password123', 'password12', 'password1!', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'admin12345', 'admin123456',
    'administrator', 'root123456', 'welcome123', 'welcome1234', 'letmein123', 'iloveyou123', 'iloveyou1314', 'woaini1314',
    'woaini520520', 'woaini123456', 'wo123456789', 'aini1314520', '5201314520', '1314520520', '52013145201', '1314521521',
    '1111111111', '0000000000', '8888888888', '6666666666', '9999999999', '1212121212', '1122334455', '1234512345',
    '9876543210', '0987654321', '147258369a', '1472583690', '159357159357', 'abc1234567', 'abcd123456', 'abcdefghij',
    'aa12345678', 'a1234567890', 'qq123456789', 'zhang123456', 'wang123456', 'li12345678', 'liu123456789', 'chen123456',
    'linli123456', 'linli12345', 'linli-demo', 'changeme123', 'default123', 'test123456', 'test1234567', 'guest12345',
    'sunshine123', 'football123', 'baseball123', 'monkey12345', 'dragon12345', 'master12345', 'shadow12345', 'superman123',
    'qazwsxedc123', 'qazwsxedcrfv', '!qaz2wsx3edc', '1q2w3e4r5t6y', 'zaq12wsxcde3', '147852369a', 'a12345678910',
    'huawei123456', 'xiaomi123456', 'china123456', 'beijing2008', 'shanghai123', 'zhongguo123', 'woshishui123',
  ].map((p) => p.toLowerCase()),
);

export function checkPasswordPolicy(password: string, username?: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw badRequest({ password: { key: 'auth.password_too_short', params: { min: MIN_PASSWORD_LENGTH } } });
  }
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password) || /^(\d)+$/.test(password) && new Set(password).size <= 2) {
    throw badRequest({ password: { key: 'auth.password_common' } });
  }
  if (username && lower.includes(username.toLowerCase()) && username.length >= 3 && lower.length - username.length < 4) {
    throw badRequest({ password: { key: 'auth.password_same_as_username' } });
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// verified against when the username does not exist, so both answers take the same time
let dummyHash: Promise<string> | null = null;
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('linli-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
