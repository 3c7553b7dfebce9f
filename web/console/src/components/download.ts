import { ApiError } from '../api/client';
import { currentLanguage } from '../i18n';

/**
 * Downloads a file the server makes (an export, a report, a template) with the session cookie. Fetched
 * rather than linked, so a refusal (403, 400) comes back as the API's translated message instead of a
 * page of JSON.
 */
export async function downloadFile(path: string, query: Record<string, string | number | boolean | null | undefined> = {}, fallbackName = 'download.xlsx') {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const res = await fetch(params.size ? `${path}?${params}` : path, { credentials: 'same-origin', headers: { 'accept-language': currentLanguage() } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="([^"]+)"/i.exec(disposition);
  const name = utf8 ? decodeURIComponent(utf8[1]) : (plain?.[1] ?? fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
