import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Typography } from 'antd';
import { api } from '../../api/client';

interface Region {
  id: string;
  name: string;
  geometry?: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] } | null;
}

const W = 320;
const H = 220;

/**
 * The case's grid as a small drawing: the grid's polygon (from the registry, GeoJSON) and the reported
 * point. No map tiles: the console works without any online map service.
 */
export function GridMap({ gridId, point }: { gridId: string | null; point: { lat: number | null; lng: number | null } | null }) {
  const { t } = useTranslation();
  const [region, setRegion] = useState<Region | null>(null);
  useEffect(() => {
    if (!gridId) return;
    // departments do not see the registry's regions: then there is simply no drawing
    api.get<Region>(`/api/regions/${gridId}`).then(setRegion).catch(() => setRegion(null));
  }, [gridId]);
  if (!region?.geometry) return null;
  const polys = (region.geometry.type === 'Polygon' ? [region.geometry.coordinates] : region.geometry.coordinates) as number[][][][];
  const pts = polys.flat(2);
  if (point?.lng != null && point.lat != null) pts.push([point.lng, point.lat]);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // equal scale on both axes (longitude degrees shrink with the latitude's cosine)
  const kx = Math.cos(((minY + maxY) / 2) * (Math.PI / 180));
  const scale = Math.min((W - 20) / Math.max((maxX - minX) * kx, 1e-9), (H - 20) / Math.max(maxY - minY, 1e-9));
  const px = (x: number) => 10 + (x - minX) * kx * scale;
  const py = (y: number) => H - 10 - (y - minY) * scale;
  const path = polys.map((poly) => poly.map((ring) => `M${ring.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('L')}Z`).join('')).join('');
  return (
    <div className="grid-map" data-testid="grid-map">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('work.place.mapLabel', { name: region.name })}>
        <path d={path} className="grid-map-area" fillRule="evenodd" />
        {point?.lng != null && point.lat != null && (
          <g transform={`translate(${px(point.lng)},${py(point.lat)})`}>
            <circle r={9} className="grid-map-halo" />
            <circle r={4.5} className="grid-map-point" />
          </g>
        )}
      </svg>
      <Typography.Text type="secondary">{region.name}</Typography.Text>
    </div>
  );
}
