import { describe, expect, it } from 'vitest';
import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { applyFieldErrors } from './forms';

/** A form with these item names ("a.b" for nested ones) that records what was set on it. */
function fakeForm(names: string[]) {
  const set: { name: string[]; errors: string[] }[] = [];
  const form = {
    getFieldsError: () => names.map((n) => ({ name: n.split('.'), errors: [] })),
    setFields: (fields: { name: string[]; errors: string[] }[]) => set.push(...fields),
  } as unknown as FormInstance;
  return { form, set };
}
const refusal = (fields: Record<string, string>) => new ApiError(400, 'VALIDATION', '输入有误', fields);

describe('applyFieldErrors', () => {
  it('puts a field error on its item, or on the item of its first part', () => {
    const { form, set } = fakeForm(['name', 'roles', 'invoices.0.number']);
    expect(applyFieldErrors(form, refusal({ name: '必填', 'roles.0': '角色不存在', 'invoices.0.number': '重复' }))).toBeNull();
    expect(set).toEqual([
      { name: ['name'], errors: ['必填'] },
      { name: ['roles'], errors: ['角色不存在'] },
      { name: ['invoices', '0', 'number'], errors: ['重复'] },
    ]);
  });

  it('puts every message that lands on one item there, on the item\'s own name path (list positions are numbers)', () => {
    const set: { name: (string | number)[]; errors: string[] }[] = [];
    const form = {
      getFieldsError: () => [{ name: ['parts'], errors: [] }, { name: ['parts', 0, 'items'], errors: [] }, { name: ['parts', 0, 'weight'], errors: [] }],
      setFields: (fields: typeof set) => set.push(...fields),
    } as unknown as FormInstance;
    expect(applyFieldErrors(form, refusal({ parts: '权重之和须为 100', 'parts.0.items.1.code': '代码重复', 'parts.0.items': '细项之和须等于权重' }))).toBeNull();
    expect(set).toEqual([
      { name: ['parts'], errors: ['权重之和须为 100', '代码重复'] },
      { name: ['parts', 0, 'items'], errors: ['细项之和须等于权重'] },
    ]);
  });

  it('says the fields the form has no item for in their own words, even when none could be placed', () => {
    const { form, set } = fakeForm(['parts.0.weight']);
    expect(applyFieldErrors(form, refusal({ 'parts.1.items': '各项分值之和应等于权重', grades: '须有一个下限为 0 的等级' }))).toBe('各项分值之和应等于权重；须有一个下限为 0 的等级');
    expect(set).toEqual([]);
    const mixed = fakeForm(['name']);
    expect(applyFieldErrors(mixed.form, refusal({ name: '必填', other: '另一个问题' }))).toBe('另一个问题');
  });

  it('falls back to the message when the refusal names no field', () => {
    const { form } = fakeForm(['name']);
    expect(applyFieldErrors(form, new ApiError(409, 'CONFLICT', '已被他人修改'))).toBe('已被他人修改');
  });
});
