import type { Catalog } from '../../platform/i18n/index.ts';

export const notificationsMessages: Catalog = {
  // the sender's signature first, as Chinese carriers require of every text message
  'zh-CN': { 'notify.sms': '【邻里】{text}' },
  en: { 'notify.sms': '[Linli] {text}' },
};
