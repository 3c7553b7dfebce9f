import { useState } from 'react';
import type { FormInstance } from 'antd';
import { App } from 'antd';
import { ApiError } from '../api/client';

/**
 * Puts the server's field errors (`error.fields`, already translated) on the form's items. A field the
 * form does not show ("roles.0" → "roles", or one with no item at all) falls back to its first part,
 * or to a message at the top. Returns the message that could not be placed on a field, if any: the
 * unplaced fields' own messages (a list position such as "parts.1.items" has no input of its own),
 * else the error's message when nothing at all was placed.
 */
export function applyFieldErrors(form: FormInstance, err: ApiError): string | null {
  // each item's own name path: list positions in it are numbers, and the form matches paths strictly
  const names = new Map(form.getFieldsError().map((f) => [f.name.join('.'), f.name]));
  const rest: string[] = [];
  // several fields may land on one item ("roles.0" and "roles.1" on "roles"): it shows them all
  const placed = new Map<string, string[]>();
  for (const [field, message] of Object.entries(err.fields)) {
    const name = names.has(field) ? field : field.split('.')[0];
    if (names.has(name)) placed.set(name, [...(placed.get(name) ?? []), message]);
    else rest.push(message);
  }
  form.setFields([...placed].map(([name, errors]) => ({ name: names.get(name)!, errors })));
  if (rest.length) return rest.join('；');
  return placed.size ? null : err.message;
}

/**
 * Submitting a form to the API: disables the button while in flight, shows field errors on the
 * fields and anything else as a message. `run` resolves to true when the submission succeeded.
 */
export function useSubmit<V>(form: FormInstance<V>, action: (values: V) => Promise<void>) {
  const { message } = App.useApp();
  const [submitting, setSubmitting] = useState(false);
  const run = async (): Promise<boolean> => {
    let values: V;
    try {
      values = await form.validateFields();
    } catch {
      return false;
    }
    setSubmitting(true);
    try {
      await action(values);
      return true;
    } catch (e) {
      if (e instanceof ApiError) {
        const left = applyFieldErrors(form, e);
        if (left) message.error(left);
      } else {
        message.error(String(e));
      }
      return false;
    } finally {
      setSubmitting(false);
    }
  };
  return { submitting, run };
}
