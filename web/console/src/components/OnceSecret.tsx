import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Flex, Input, Modal, Typography } from 'antd';
import { CheckOutlined, CopyOutlined } from '@ant-design/icons';

/** Copies text; the Clipboard API needs a secure context, so plain-http sites fall back to a selection. */
async function copyText(text: string, input: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.select();
    return document.execCommand('copy');
  }
}

/**
 * A secret the server returns exactly once (a temporary password, an integration token): shown in
 * large monospace with a copy button and a warning that it cannot be shown again.
 */
export function OnceSecret({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const id = `secret-${label.length}-${value.length}`;
  return (
    <Flex vertical gap={12}>
      <Alert type="warning" showIcon title={t('secret.onceTitle')} description={hint ?? t('secret.onceText')} />
      <Typography.Text strong>{label}</Typography.Text>
      <Flex gap={8}>
        {/* a text area, so a long token is shown whole */}
        <Input.TextArea id={id} readOnly value={value} autoSize className="secret-value" data-testid="once-secret" onFocus={(e) => e.target.select()} />
        <Button
          size="large"
          icon={copied ? <CheckOutlined /> : <CopyOutlined />}
          onClick={async () => setCopied(await copyText(value, document.getElementById(id) as HTMLTextAreaElement | null))}
        >
          {copied ? t('secret.copied') : t('secret.copy')}
        </Button>
      </Flex>
    </Flex>
  );
}

export interface Secret {
  title: string;
  label: string;
  value: string;
  hint?: string;
}

/** A dialog holding a secret shown once; closed only by the user ("我已保存"). */
export function OnceSecretModal({ secret, onClose }: { secret: Secret | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={secret !== null} title={secret?.title} onCancel={onClose} footer={<Button type="primary" onClick={onClose}>{t('secret.done')}</Button>} width={600}>
      {secret && <OnceSecret label={secret.label} value={secret.value} hint={secret.hint} />}
    </Modal>
  );
}
