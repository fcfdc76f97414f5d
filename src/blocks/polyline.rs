//! A chart's line in one call into JS (polyline.js) instead of plotters-canvas's call
//! per point: a 50,000-sample chart is about four points per pixel column, and each
//! `lineTo` from wasm cost a JS call — the largest part of a redraw.

use plotters::style::RGBColor;
use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d;

/// Pixel points as `x0, y0, x1, y1, ...`, leaving out a point that repeats the one
/// before it (decimated samples often share a pixel; a zero-length segment draws
/// nothing).
pub fn pixel_path(points: impl IntoIterator<Item = (i32, i32)>) -> Vec<i32> {
    let points = points.into_iter();
    let mut xy = Vec::with_capacity(2 * points.size_hint().0);
    let mut last = None;
    for point in points {
        if last != Some(point) {
            xy.extend([point.0, point.1]);
            last = Some(point);
        }
    }
    xy
}

/// The CSS colour plotters-canvas would set for `colour`, so lines look the same.
pub fn css_colour(colour: RGBColor) -> String {
    format!("rgba({},{},{},1)", colour.0, colour.1, colour.2)
}

/// Strokes the path `xy` (see [`pixel_path`]) on `context`.
pub fn stroke(context: &CanvasRenderingContext2d, xy: &[i32], colour: RGBColor, width: f64) {
    stroke_polyline(context, xy, &css_colour(colour), width);
}

#[wasm_bindgen(module = "/src/blocks/polyline.js")]
extern "C" {
    /// See polyline.js.
    fn stroke_polyline(context: &CanvasRenderingContext2d, xy: &[i32], colour: &str, width: f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_flattened_in_order_without_repeats() {
        let path = pixel_path([(1, 5), (1, 5), (2, 7), (2, 6), (2, 6), (1, 5)]);
        assert_eq!(path, vec![1, 5, 2, 7, 2, 6, 1, 5]);
        assert!(pixel_path([]).is_empty());
    }

    #[test]
    fn colours_are_written_as_plotters_canvas_writes_them() {
        assert_eq!(css_colour(RGBColor(0, 114, 178)), "rgba(0,114,178,1)");
    }
}
