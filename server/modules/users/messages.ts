import type { Catalog } from '../../platform/i18n/index.ts';

export const usersMessages: Catalog = {
  'zh-CN': { 'users.username_taken': '该用户名已被使用' },
  en: { 'users.username_taken': 'This username is already taken' },
};
