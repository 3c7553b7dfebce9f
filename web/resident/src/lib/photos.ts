/**
 * Photos are made smaller on the phone before they are kept or sent: at most 1600 px on the long side,
 * JPEG at 0.75 — a 4 MB camera photo becomes about 200–400 kB, which matters on a slow network.
 */
const MAX_SIDE = 1600;

export async function compressPhoto(file: Blob): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file; // a format the browser cannot draw (HEIC on some phones): the server checks and keeps it as it is
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size < 400_000 && file.type === 'image/jpeg') return file;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const out = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.75));
  return out && out.size < file.size ? out : file;
}
