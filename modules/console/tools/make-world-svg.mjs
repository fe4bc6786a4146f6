// Regenerates src/main/resources/io/ualwatch/console/web/world.svg from the world-atlas npm package
// (Natural Earth 1:110m countries as TopoJSON; the data is public domain, world-atlas is ISC-licensed).
//
//   npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//   node modules/console/tools/make-world-svg.mjs package/countries-110m.json > modules/console/src/main/resources/io/ualwatch/console/web/world.svg
//
// Projection: equirectangular, x = (lon + 180) * 2, y = (90 - lat) * 2, so the map is 720 x 360 and the
// page places a marker for (lat, lon) with the same formula.
import { readFileSync } from 'node:fs';

const topo = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;

// Arcs are quantized and delta-encoded: decode each to absolute [lon, lat] points.
const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    x += dx; y += dy;
    return [x * sx + tx, y * sy + ty];
  });
});

function ring(indexes) {
  const pts = [];
  for (const i of indexes) {
    const a = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
    // consecutive arcs share their end points
    pts.push(...(pts.length ? a.slice(1) : a));
  }
  return pts;
}

const r = (v) => Math.round(v * 10) / 10;
function ringPath(pts) {
  let d = '';
  let last = null;
  for (const [lon, lat] of pts) {
    const p = `${r((lon + 180) * 2)} ${r((90 - lat) * 2)}`;
    if (p === last) continue;
    d += (d ? 'L' : 'M') + p;
    last = p;
  }
  return d + 'Z';
}

const paths = [];
for (const g of topo.objects.countries.geometries) {
  const polys = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
  let d = '';
  for (const poly of polys) for (const rg of poly) d += ringPath(ring(rg));
  if (d) paths.push(`<path d="${d}"><title>${(g.properties?.name ?? '').replace(/[<&"]/g, '')}</title></path>`);
}

process.stdout.write(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 360" class="world">\n' +
  '<!-- Natural Earth 1:110m countries (public domain) via world-atlas 2.0.2 (ISC); see NOTICE.md -->\n' +
  '<rect class="sea" x="0" y="0" width="720" height="360"/>\n<g class="land">\n' +
  paths.join('\n') + '\n</g>\n</svg>\n');
