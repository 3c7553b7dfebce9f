export { PiiCrypto, generateSecret, parseSecret, tokenHash } from './crypto.ts';
export { parseIdNumber, normalizeIdNumber, idCheckChar, idProblemMessage, type IdNumberInfo } from './id-number.ts';
export { parsePhone, normalizePhone, isMobile } from './phone.ts';
export { maskIdNumber, maskPhone, maskName } from './mask.ts';
