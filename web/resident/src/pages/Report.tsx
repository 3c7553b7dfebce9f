import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, CascadePicker, Checkbox, Form, ImageUploader, Input, Result, Space, TextArea, Toast, type ImageUploadItem } from 'antd-mobile';
import { api, ApiError, type Category } from '../lib/api';
import { uuid } from '../lib/ids';
import { draft, flushOutbox, foregroundKey, onOutboxResult, outbox, type Created, type Report as ReportBody } from '../lib/outbox';
import { compressPhoto } from '../lib/photos';
import { usePrefs } from '../lib/prefs';
import { navigate } from '../lib/router';
import { PlacePicker } from '../components/PlacePicker';

type Place = { buildingId?: string; location?: { lat: number; lng: number }; label: string };
type Done = { caseNo: string; id: string } | { offline: true };
const MAX_PHOTOS = 9;

/**
 * Report a problem: type (with the classifier's suggestion), description, photos, place. Everything
 * typed is kept on the phone as it is typed; a submission without a network waits in the outbox.
 */
export default function Report() {
  const { t, lang } = usePrefs();
  const [form] = Form.useForm();
  const [categories, setCategories] = useState<Category[]>([]);
  const [category, setCategory] = useState<string | undefined>();
  const [suggestion, setSuggestion] = useState<string | null>(null);
  const [photos, setPhotos] = useState<{ blob: Blob; url: string }[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [picking, setPicking] = useState(false);
  const [catOpen, setCatOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const loaded = useRef(false);

  useEffect(() => {
    api.get<Category[]>('/api/taxonomy').then(setCategories).catch(() => undefined);
    void draft.load().then((d) => {
      if (d) {
        form.setFieldsValue({ description: d.report.description ?? '', address: d.report.location?.address ?? '', anonymous: d.report.anonymous ?? false });
        setCategory(d.report.category);
        if (d.report.buildingId || d.report.location) setPlace({ buildingId: d.report.buildingId, location: d.report.location, label: d.report.placeLabel ?? '' });
        setPhotos(d.photos.map((blob) => ({ blob, url: URL.createObjectURL(blob) })));
      }
      loaded.current = true;
    });
  }, [form]);

  const name = (n: Category['name']) => n[lang] ?? n['zh-CN'];
  const categoryName = (code?: string) => {
    if (!code) return null;
    for (const c of categories) {
      if (c.code === code) return name(c.name);
      const item = c.children.find((i) => i.code === code);
      if (item) return `${name(c.name)} / ${name(item.name)}`;
    }
    return code;
  };
  const options = useMemo(() => categories.map((c) => ({ label: name(c.name), value: c.code, children: c.children.map((i) => ({ label: name(i.name), value: i.code })) })), [categories, lang]); // eslint-disable-line react-hooks/exhaustive-deps

  const current = (): ReportBody & { placeLabel?: string } => {
    const v = form.getFieldsValue();
    const address = (v.address ?? '').trim();
    return {
      description: (v.description ?? '').trim(),
      ...(category ? { category } : {}),
      ...(place?.buildingId ? { buildingId: place.buildingId } : {}),
      ...(place?.location ? { location: { ...place.location, ...(address ? { address } : {}) } } : {}),
      ...(v.anonymous ? { anonymous: true } : {}),
      placeLabel: place?.label,
    };
  };
  const saveDraft = () => {
    if (loaded.current) void draft.save({ report: current(), photos: photos.map((p) => p.blob) });
  };
  useEffect(saveDraft, [category, place, photos]); // eslint-disable-line react-hooks/exhaustive-deps

  // the classifier's suggestion, while typing (not offline: it is only a hint)
  const classifyTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const onText = (text: string) => {
    saveDraft();
    clearTimeout(classifyTimer.current);
    if (text.trim().length < 6 || !navigator.onLine) return;
    classifyTimer.current = setTimeout(() => {
      api.post<{ suggestions: { category: string; subCategory?: string; confidence: number }[] }>('/api/cases/classify', { text })
        .then((r) => {
          const s = r.suggestions[0];
          setSuggestion(s && s.confidence >= 0.3 ? s.subCategory ?? s.category : null);
        })
        .catch(() => undefined);
    }, 600);
  };

  const usePosition = () => {
    if (!navigator.geolocation) {
      Toast.show({ content: t('report.positionFailed') });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      async (pos) => {
        const location = { lat: pos.coords.latitude, lng: pos.coords.longitude };
        try {
          const g = await api.get<{ community: { name: string } | null; grid: { name: string } }>(`/api/grids/locate?lat=${location.lat}&lng=${location.lng}`);
          setPlace({ location, label: g.community?.name ?? g.grid.name });
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) Toast.show({ content: t('report.positionOutside') });
          else setPlace({ location, label: `${location.lat.toFixed(5)}, ${location.lng.toFixed(5)}` }); // offline: the server places it later
        }
      },
      () => Toast.show({ content: t('report.positionFailed') }),
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 30_000 },
    );
  };

  const addPhoto = async (file: File): Promise<ImageUploadItem> => {
    const blob = await compressPhoto(file);
    const url = URL.createObjectURL(blob);
    setPhotos((p) => [...p, { blob, url }]);
    return { url };
  };

  const submit = async () => {
    const body = current();
    if (!body.description) {
      form.setFields([{ name: 'description', errors: [t('report.descriptionRequired')] }]);
      return;
    }
    if (!place) {
      Toast.show({ content: t('report.placeRequired') });
      return;
    }
    const { placeLabel: _label, ...report } = body;
    const entry = { key: uuid(), createdAt: new Date().toISOString(), report, photos: photos.map((p) => p.blob) };
    setBusy(true);
    foregroundKey.current = entry.key;
    let result: Created | Error | undefined;
    const off = onOutboxResult((e, r) => { if (e.key === entry.key) result = r; });
    try {
      await outbox.put(entry);
      await flushOutbox();
    } finally {
      off();
      foregroundKey.current = null;
      setBusy(false);
    }
    if (result === undefined) {
      await draft.clear();
      window.dispatchEvent(new Event('linli:outbox'));
      setDone({ offline: true });
      return;
    }
    if (result instanceof Error) {
      if (result instanceof ApiError) form.setFields(Object.entries(result.fields).filter(([f]) => f === 'description').map(([n, m]) => ({ name: n, errors: [m] })));
      Toast.show({ content: result.message });
      return;
    }
    await draft.clear();
    setDone(result);
  };

  const again = () => {
    form.resetFields();
    setCategory(undefined);
    setSuggestion(null);
    setPhotos([]);
    setPlace(null);
    setDone(null);
  };

  if (done) {
    return 'offline' in done ? (
      <Result status="waiting" title={t('report.savedOffline')} description={<Button block onClick={again}>{t('report.another')}</Button>} />
    ) : (
      <Result
        status="success"
        title={t('report.done')}
        description={
          <Space direction="vertical" block>
            <div className="case-no">{t('report.caseNo')}：<strong data-testid="case-no">{done.caseNo}</strong></div>
            <div>{t('report.doneHint')}</div>
            <Button block color="primary" size="large" onClick={() => navigate(`/cases/${done.id}`)}>{t('report.viewCase')}</Button>
            <Button block onClick={again}>{t('report.another')}</Button>
          </Space>
        }
      />
    );
  }

  return (
    <Form form={form} layout="vertical" className="report" footer={<Button block color="primary" size="large" loading={busy} onClick={submit}>{busy ? t('report.submitting') : t('report.submit')}</Button>}>
      <Form.Item label={t('report.category')} onClick={() => setCatOpen(true)} arrowIcon>
        <span className={category ? '' : 'muted'}>{categoryName(category) ?? t('report.categoryNone')}</span>
      </Form.Item>
      <CascadePicker title={t('report.categoryPick')} options={options} visible={catOpen} onClose={() => setCatOpen(false)} onConfirm={(v) => setCategory((v[v.length - 1] as string) ?? undefined)} />
      {suggestion && suggestion !== category && (
        <div className="suggestion" role="status">
          {t('report.suggested', { name: categoryName(suggestion) ?? suggestion })}
          <Button size="small" color="primary" fill="outline" onClick={() => setCategory(suggestion)}>{t('report.useSuggested')}</Button>
        </div>
      )}
      <Form.Item name="description" label={t('report.description')}>
        <TextArea placeholder={t('report.descriptionPlaceholder')} rows={4} maxLength={2000} showCount autoSize={{ minRows: 4, maxRows: 10 }} aria-label={t('report.description')} onChange={onText} />
      </Form.Item>
      <Form.Item label={t('report.photos')}>
        <ImageUploader
          value={photos.map((p) => ({ url: p.url }))}
          onChange={(items) => setPhotos((p) => p.filter((x) => items.some((i) => i.url === x.url)))}
          upload={addPhoto}
          maxCount={MAX_PHOTOS}
          multiple
          onCountExceed={() => Toast.show({ content: t('report.tooManyPhotos') })}
          accept="image/*"
        />
      </Form.Item>
      <Form.Item label={t('report.place')}>
        <div className="place" data-testid="place">{place?.label || <span className="muted">{t('report.placeNone')}</span>}</div>
        <Space wrap>
          <Button onClick={usePosition}>{t('report.usePosition')}</Button>
          <Button onClick={() => setPicking(true)}>{t('report.pickBuilding')}</Button>
        </Space>
      </Form.Item>
      {place?.location && (
        <Form.Item name="address">
          <Input placeholder={t('report.addressPlaceholder')} maxLength={200} onChange={saveDraft} aria-label={t('report.addressPlaceholder')} />
        </Form.Item>
      )}
      <Form.Item name="anonymous" valuePropName="checked">
        <Checkbox onChange={() => setTimeout(saveDraft)}>{t('report.anonymous')}</Checkbox>
      </Form.Item>
      <PlacePicker
        visible={picking}
        requireBuilding
        onClose={() => setPicking(false)}
        onPick={(p) => {
          setPlace({ buildingId: p.buildingId, label: `${p.compoundName} ${p.buildingNumber ?? ''}`.trim() });
          setPicking(false);
        }}
      />
    </Form>
  );
}
