// The Teams app icons, drawn from code: a column of vertebrae, curved like a lower back.
//   colour  192x192, full bleed accent background, white symbol inside Teams' 120 px safe area
//   outline  32x32, white symbol on a transparent background (Teams tints it)
// Shapes are rounded rectangles measured in a unit square and anti-aliased by supersampling,
// so the same drawing works at both sizes and the output is byte-for-byte reproducible.
import { PNG } from 'pngjs';

/** The colour icon's background; also the manifest's accentColor. */
export const ACCENT_COLOR = '#1F6F8B';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

interface RoundedRect {
  cx: number;
  cy: number;
  halfWidth: number;
  halfHeight: number;
  radius: number;
}

/** Vertebrae from top to bottom: lumbar ones are wider, and the column bows forward a little. */
function vertebrae(count: number, top: number, bottom: number, gapRatio: number): RoundedRect[] {
  const pitch = (bottom - top) / count;
  const height = pitch * (1 - gapRatio);
  return Array.from({ length: count }, (_, i) => {
    const t = count === 1 ? 0.5 : i / (count - 1);
    const halfWidth = 0.1 + 0.05 * t;
    return {
      cx: 0.5 + 0.08 * Math.sin(Math.PI * t),
      cy: top + pitch * (i + 0.5),
      halfWidth,
      halfHeight: height / 2,
      radius: Math.min(height / 2, halfWidth) * 0.8,
    };
  });
}

/** Signed distance from a point to a rounded rectangle (negative inside). */
function distance(x: number, y: number, r: RoundedRect): number {
  const qx = Math.abs(x - r.cx) - (r.halfWidth - r.radius);
  const qy = Math.abs(y - r.cy) - (r.halfHeight - r.radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - r.radius;
}

const SAMPLES = 4;

/** Fraction (0..1) of each pixel covered by any of the shapes. */
function coverage(size: number, shapes: RoundedRect[]): Float64Array {
  const result = new Float64Array(size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (shapes.some((shape) => distance(x, y, shape) <= 0)) hits++;
        }
      }
      result[py * size + px] = hits / (SAMPLES * SAMPLES);
    }
  }
  return result;
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

function encode(png: PNG): Buffer {
  return PNG.sync.write(png, { colorType: 6 });
}

/** 192x192 opaque PNG: white vertebrae on the accent colour. */
export function colorIconPng(): Buffer {
  const size = COLOR_ICON_SIZE;
  // Teams crops the corners; keep the symbol inside the central 120x120 px (0.1875..0.8125).
  const cover = coverage(size, vertebrae(5, 0.19, 0.81, 0.24));
  const [br, bg, bb] = hexToRgb(ACCENT_COLOR);
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) {
    const a = cover[i]!;
    png.data[i * 4] = Math.round(br + (255 - br) * a);
    png.data[i * 4 + 1] = Math.round(bg + (255 - bg) * a);
    png.data[i * 4 + 2] = Math.round(bb + (255 - bb) * a);
    png.data[i * 4 + 3] = 255;
  }
  return encode(png);
}

/** 32x32 PNG: pure white vertebrae, transparent everywhere else. */
export function outlineIconPng(): Buffer {
  const size = OUTLINE_ICON_SIZE;
  const cover = coverage(size, vertebrae(4, 0.06, 0.94, 0.24));
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) {
    const alpha = Math.round(cover[i]! * 255);
    // Fully transparent pixels are stored as 0,0,0,0; any visible pixel is white.
    const white = alpha > 0 ? 255 : 0;
    png.data[i * 4] = white;
    png.data[i * 4 + 1] = white;
    png.data[i * 4 + 2] = white;
    png.data[i * 4 + 3] = alpha;
  }
  return encode(png);
}
