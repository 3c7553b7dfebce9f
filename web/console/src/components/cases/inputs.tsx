import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Dropdown, Flex, Input, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { MessageOutlined, PlusOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../api/client';
import { uploadFiles, type ReplyTemplate } from '../../api/cases';

/** The unit's reply templates (常用语) for a category, loaded once per category. */
export function useTemplates(category: string | undefined) {
  const [list, setList] = useState<ReplyTemplate[]>([]);
  useEffect(() => {
    let live = true;
    api.get<ReplyTemplate[]>('/api/reply-templates', { category }).then((r) => live && setList(r)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [category]);
  return list;
}

/** A text area with the reply templates one click away (a template replaces an empty text, else is added). */
export function TextWithTemplates({ value, onChange, templates, rows = 3, maxLength, placeholder, id }: {
  value?: string; onChange?: (v: string) => void; templates: ReplyTemplate[]; rows?: number; maxLength: number; placeholder?: string; id?: string;
}) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={4}>
      <Input.TextArea id={id} value={value} onChange={(e) => onChange?.(e.target.value)} rows={rows} maxLength={maxLength} showCount placeholder={placeholder} />
      <Dropdown
        trigger={['click']}
        menu={{
          items: templates.length
            ? templates.map((tp) => ({ key: tp.id, label: <span className="template-option">{tp.text}</span>, onClick: () => onChange?.(value ? `${value}${tp.text}` : tp.text) }))
            : [{ key: 'none', disabled: true, label: t('work.templates.none') }],
        }}
      >
        <Button type="link" size="small" icon={<MessageOutlined />} className="template-button" data-testid="template-picker">
          {t('work.templates.pick')}
        </Button>
      </Dropdown>
    </Flex>
  );
}

/**
 * Photo upload for a case: each picked file goes to POST /api/files at once; the form's value is the
 * list of file ids the server answered (what attachmentIds takes).
 */
export function PhotoUpload({ onChange, max = 9 }: { value?: string[]; onChange?: (ids: string[]) => void; max?: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const ids = (list: UploadFile[]) => list.filter((f) => f.status === 'done' && f.response?.id).map((f) => f.response.id as string);
  return (
    <Upload
      listType="picture-card"
      accept="image/jpeg,image/png,image/webp,image/heic,image/gif"
      multiple
      fileList={files}
      maxCount={max}
      customRequest={async (opt) => {
        try {
          const [saved] = await uploadFiles([opt.file as File]);
          opt.onSuccess?.(saved);
        } catch (e) {
          message.error(e instanceof ApiError ? Object.values(e.fields)[0] ?? e.message : String(e));
          opt.onError?.(e as Error);
        }
      }}
      onChange={({ fileList }) => {
        const kept = fileList.filter((f) => f.status !== 'error');
        setFiles(kept);
        onChange?.(ids(kept));
      }}
    >
      {files.length < max && (
        <button type="button" className="upload-button" data-testid="photo-upload">
          <PlusOutlined />
          <div>{t('work.form.addPhoto')}</div>
        </button>
      )}
    </Upload>
  );
}
