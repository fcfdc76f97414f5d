// A chart's line, stroked in one call from wasm: plotters-canvas makes one wasm-to-JS
// call per point (`lineTo`), about 4 per pixel column of a busy chart — most of a
// redraw's script time. Here the points cross once, as a view of wasm memory.
// See src/blocks/polyline.rs.
//
// `xy` is x0, y0, x1, y1, ... in canvas pixels; `colour` a CSS colour.
export function stroke_polyline(context, xy, colour, width) {
  if (xy.length < 2) {
    return;
  }
  context.beginPath();
  context.strokeStyle = colour;
  context.lineWidth = width;
  context.moveTo(xy[0], xy[1]);
  for (let i = 2; i + 1 < xy.length; i += 2) {
    context.lineTo(xy[i], xy[i + 1]);
  }
  context.stroke();
}
