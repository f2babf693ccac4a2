// A photo drawn on the map in its own footprint: the image warped by the projective transform (homography) that
// takes its four corners to the ground points of those corners. A pinhole photo of flat ground is exactly such a
// transform of the ground, so the photo lies where it was taken; the server works the corners out from the photo's
// own georeference (GET api/flights/{id}/map). Leaflet 1.9 has no warped image layer: this one is an <img> in a
// map pane with a CSS matrix3d transform, recomputed when the zoom changes (panning moves the whole pane).

const L = window.L;

/**
 * The homography taking the unit square (0,0), (1,0), (1,1), (0,1) to the quadrilateral q (four [x, y] points in that
 * order), as [a, b, c, d, e, f, g, h]: (u, v) → ((a·u + b·v + c) / w, (d·u + e·v + f) / w), w = g·u + h·v + 1.
 * Heckbert, "Fundamentals of Texture Mapping and Image Warping" (1989), §2.2.3.
 */
export function squareToQuad(q) {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  if (Math.abs(sx) < 1e-9 && Math.abs(sy) < 1e-9) {
    return [x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0, 0]; // a parallelogram: affine
  }
  const dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (sx * dy2 - dx2 * sy) / den;
  const h = (dx1 * sy - sx * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h];
}

/** CSS matrix3d (column-major) of the homography taking pixels of a width × height image to the quadrilateral q. */
export function imageToQuadMatrix(width, height, q) {
  const [a, b, c, d, e, f, g, h] = squareToQuad(q);
  // Pixels first to the unit square: divide the u column by the width, the v column by the height.
  const m = [a / width, d / width, 0, g / width, b / height, e / height, 0, h / height, 0, 0, 1, 0, c, f, 0, 1];
  return `matrix3d(${m.map((x) => (Number.isFinite(x) ? x : 0)).join(',')})`;
}

/**
 * A photo warped onto its ground corners. corners: [[lat, lon] × 4] for the image's top-left, top-right,
 * bottom-right and bottom-left pixels. options.pane: the pane to draw in; options.photoId: set as data-photo.
 */
export const PhotoOverlay = L.Layer.extend({
  initialize(url, corners, options) {
    this._url = url;
    this._corners = corners.map((c) => L.latLng(c[0], c[1]));
    L.setOptions(this, options);
  },

  onAdd() {
    if (!this._image) {
      const img = L.DomUtil.create('img', 'leaflet-image-layer photo-overlay leaflet-zoom-hide');
      img.alt = this.options.alt || '';
      img.decoding = 'async';
      if (this.options.photoId) img.dataset.photo = this.options.photoId;
      img.addEventListener('load', () => this._reset());
      img.addEventListener('error', () => this.fire('error'));
      img.src = this._url;
      this._image = img;
    }
    this.getPane().appendChild(this._image);
    this._reset();
  },

  onRemove() {
    L.DomUtil.remove(this._image);
  },

  getEvents() {
    return { zoomend: this._reset, viewreset: this._reset };
  },

  getBounds() {
    return L.latLngBounds(this._corners);
  },

  getElement() {
    return this._image;
  },

  _reset() {
    const img = this._image;
    if (!this._map || !img || !img.naturalWidth) return; // placed once its size is known
    const q = this._corners.map((c) => {
      const p = this._map.latLngToLayerPoint(c);
      return [p.x, p.y];
    });
    // Zoomed far out a photo is a few screen pixels or less, and its transform degenerates (near-zero divisors):
    // hidden there rather than drawn as a smear across the map.
    const xs = q.map((p) => p[0]), ys = q.map((p) => p[1]);
    if (Math.max(...xs) - Math.min(...xs) < 4 || Math.max(...ys) - Math.min(...ys) < 4) {
      img.classList.remove('placed');
      return;
    }
    img.style.transform = imageToQuadMatrix(img.naturalWidth, img.naturalHeight, q);
    img.classList.add('placed');
    this.fire('placed');
  },
});
