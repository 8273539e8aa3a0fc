/**
 * Draws Kontor's app icons (a white "K" on #1f4e79) and writes them as PNGs to `static/`.
 * Pure JavaScript with node:zlib, so it needs no image tooling. Run it after changing the design:
 * `node scripts/make-icons.js`.
 *
 * - `icons/icon-192.png`, `icons/icon-512.png`: rounded square, transparent corners (purpose "any")
 * - `icons/icon-maskable-512.png`: full-bleed background; the glyph stays inside the central 80%
 *   safe zone, because launchers may crop the icon to any shape inside it
 * - `favicon.png`: the 192 icon
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const BRAND = { r: 0x1f, g: 0x4e, b: 0x79 };
const GLYPH = { r: 0xff, g: 0xff, b: 0xff };

/** Samples per pixel along each axis; 4x4 supersampling gives smooth edges. */
const SUPERSAMPLE = 4;

/**
 * The "K" as thick line segments in unit coordinates (0..1, y down): a stem and two arms.
 * @type {{ x1: number; y1: number; x2: number; y2: number }[]}
 */
const STROKES = [
	{ x1: 0.33, y1: 0.26, x2: 0.33, y2: 0.74 },
	{ x1: 0.37, y1: 0.54, x2: 0.65, y2: 0.26 },
	{ x1: 0.45, y1: 0.46, x2: 0.67, y2: 0.74 }
];
const STROKE_RADIUS = 0.055;

/**
 * Distance from a point to a line segment.
 * @param {number} px
 * @param {number} py
 * @param {{ x1: number; y1: number; x2: number; y2: number }} s
 */
function distanceToSegment(px, py, s) {
	const dx = s.x2 - s.x1;
	const dy = s.y2 - s.y1;
	const t = Math.max(0, Math.min(1, ((px - s.x1) * dx + (py - s.y1) * dy) / (dx * dx + dy * dy)));
	return Math.hypot(px - (s.x1 + t * dx), py - (s.y1 + t * dy));
}

/**
 * Whether a point (unit coordinates) lies on the glyph, drawn at `scale` around the centre.
 * @param {number} x
 * @param {number} y
 * @param {number} scale
 */
function onGlyph(x, y, scale) {
	const ux = 0.5 + (x - 0.5) / scale;
	const uy = 0.5 + (y - 0.5) / scale;
	return STROKES.some((s) => distanceToSegment(ux, uy, s) <= STROKE_RADIUS);
}

/**
 * Whether a point lies inside a square of side 1 with rounded corners of the given radius.
 * @param {number} x
 * @param {number} y
 * @param {number} radius
 */
function onBackground(x, y, radius) {
	const cx = Math.min(Math.max(x, radius), 1 - radius);
	const cy = Math.min(Math.max(y, radius), 1 - radius);
	return Math.hypot(x - cx, y - cy) <= radius;
}

/**
 * Renders an icon as RGBA pixels.
 * @param {number} size edge length in pixels
 * @param {{ cornerRadius: number; glyphScale: number }} design corner radius and glyph scale, in units
 * @returns {Buffer}
 */
function render(size, design) {
	const pixels = Buffer.alloc(size * size * 4);
	const samples = SUPERSAMPLE * SUPERSAMPLE;
	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			let background = 0;
			let glyph = 0;
			for (let sy = 0; sy < SUPERSAMPLE; sy++) {
				for (let sx = 0; sx < SUPERSAMPLE; sx++) {
					const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
					const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
					if (!onBackground(x, y, design.cornerRadius)) continue;
					background++;
					if (onGlyph(x, y, design.glyphScale)) glyph++;
				}
			}
			const alpha = background / samples;
			const mix = background === 0 ? 0 : glyph / background;
			const offset = (py * size + px) * 4;
			pixels[offset] = Math.round(BRAND.r + (GLYPH.r - BRAND.r) * mix);
			pixels[offset + 1] = Math.round(BRAND.g + (GLYPH.g - BRAND.g) * mix);
			pixels[offset + 2] = Math.round(BRAND.b + (GLYPH.b - BRAND.b) * mix);
			pixels[offset + 3] = Math.round(alpha * 255);
		}
	}
	return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

/** @param {Buffer} bytes */
function crc32(bytes) {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/**
 * @param {string} type four-letter chunk type
 * @param {Buffer} data
 */
function chunk(type, data) {
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Encodes RGBA pixels as a PNG (8-bit truecolour with alpha, no filtering).
 * @param {number} size
 * @param {Buffer} pixels
 */
function encodePng(size, pixels) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // colour type RGBA; compression, filter and interlace stay 0
	const rowLength = size * 4;
	const raw = Buffer.alloc((rowLength + 1) * size);
	for (let y = 0; y < size; y++) {
		// Each row starts with its filter type byte, 0 (none).
		pixels.copy(raw, y * (rowLength + 1) + 1, y * rowLength, (y + 1) * rowLength);
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

const staticDir = fileURLToPath(new URL('../static', import.meta.url));
const ANY = { cornerRadius: 0.18, glyphScale: 1 };
// Full bleed (no corners); the glyph shrinks so its farthest corner stays well inside the safe circle.
const MASKABLE = { cornerRadius: 0, glyphScale: 0.8 };

const icon192 = encodePng(192, render(192, ANY));
/** @type {[string, Buffer][]} */
const outputs = [
	['icons/icon-192.png', icon192],
	['icons/icon-512.png', encodePng(512, render(512, ANY))],
	['icons/icon-maskable-512.png', encodePng(512, render(512, MASKABLE))],
	['favicon.png', icon192]
];
for (const [file, png] of outputs) {
	const target = path.join(staticDir, file);
	mkdirSync(path.dirname(target), { recursive: true });
	writeFileSync(target, png);
	console.log(`wrote static/${file} (${png.length} bytes)`);
}
