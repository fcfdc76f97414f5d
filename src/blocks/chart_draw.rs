//! Drawing a line chart on its canvas with plotters: the series, the threshold bands,
//! the axes. A plain function of what to draw; the component decides when.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use super::chart_data::{stepped, y_range, Point};
use super::chart_readout::{relative_time_label, MARGIN_PX, Y_LABELS_PX, Y_NAME_PX};
use super::thresholds::{Level, Threshold};

/// The chart's colours in one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: RGBColor,
    /// The axes and their labels.
    pub text: RGBColor,
    pub grid_bold: RGBColor,
    pub grid_light: RGBColor,
    /// Line colours, in series order: the Okabe–Ito palette, told apart by people with
    /// the common colour-vision deficiencies; the legend names every series in text.
    pub series: [RGBColor; 8],
}

impl Palette {
    /// On white paper.
    pub const LIGHT: Palette = Palette {
        background: RGBColor(255, 255, 255),
        text: RGBColor(31, 35, 40),
        grid_bold: RGBColor(208, 215, 222),
        grid_light: RGBColor(238, 238, 238),
        series: [
            RGBColor(0, 114, 178),
            RGBColor(213, 94, 0),
            RGBColor(0, 158, 115),
            RGBColor(204, 121, 167),
            RGBColor(230, 159, 0),
            RGBColor(86, 180, 233),
            RGBColor(0, 0, 0),
            RGBColor(120, 120, 120),
        ],
    };

    /// On the dark theme's paper (`--paper` in style/main.css): the same hues, lighter
    /// where the light ones would sink into the background.
    pub const DARK: Palette = Palette {
        background: RGBColor(21, 27, 35),
        text: RGBColor(230, 237, 243),
        grid_bold: RGBColor(61, 68, 77),
        grid_light: RGBColor(38, 44, 54),
        series: [
            RGBColor(86, 180, 233),
            RGBColor(230, 159, 0),
            RGBColor(0, 190, 140),
            RGBColor(224, 141, 187),
            RGBColor(240, 228, 66),
            RGBColor(120, 170, 255),
            RGBColor(230, 230, 230),
            RGBColor(160, 160, 160),
        ],
    };

    /// The palette of the light or the dark theme.
    pub fn of(dark: bool) -> &'static Palette {
        if dark {
            &Palette::DARK
        } else {
            &Palette::LIGHT
        }
    }

    /// The colour of series `index`.
    pub fn series_colour(&self, index: usize) -> RGBColor {
        self.series[index % self.series.len()]
    }

    /// The colour of series `index` as CSS, for its legend swatch.
    pub fn series_css(&self, index: usize) -> String {
        let RGBColor(r, g, b) = self.series_colour(index);
        format!("rgb({r}, {g}, {b})")
    }
}

/// How the chart looks, from the block's settings.
#[derive(Debug, Clone, Copy)]
pub struct ChartLook<'a> {
    /// Seconds of history across the x axis.
    pub window_secs: f64,
    /// Fixed bottom of the y axis.
    pub y_min: Option<f64>,
    /// Fixed top of the y axis.
    pub y_max: Option<f64>,
    /// The y axis's name; empty for none.
    pub y_label: &'a str,
    /// Steps instead of slopes.
    pub stepped: bool,
    /// Drawn as lines with the side beyond them shaded.
    pub thresholds: &'a [Threshold],
    /// The theme's colours.
    pub palette: &'a Palette,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The canvas has no 2D context.
    #[error("the canvas has no 2D context")]
    NoContext,
    /// Plotters failed.
    #[error("{0}")]
    Plotters(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError::Plotters(e.to_string())
    }
}

fn level_colour(level: Level) -> RGBColor {
    match level {
        Level::Warning => RGBColor(191, 135, 0),
        Level::Alarm => RGBColor(207, 34, 46),
    }
}

/// Draws `series` (points in seconds relative to now, in series order) into `canvas`.
pub fn draw(
    canvas: &HtmlCanvasElement,
    width: u32,
    series: &[Vec<Point>],
    look: &ChartLook<'_>,
) -> Result<(), DrawError> {
    // Match the drawing buffer to the displayed width, so lines are not stretched.
    if width > 0 && canvas.width() != width {
        canvas.set_width(width);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or(DrawError::NoContext)?;
    let root = backend.into_drawing_area();
    let palette = look.palette;
    root.fill(&palette.background)?;
    let (y_lo, y_hi) = y_range(series.iter().flatten(), look.y_min, look.y_max);
    let y_area = Y_LABELS_PX
        + if look.y_label.is_empty() {
            0.0
        } else {
            Y_NAME_PX
        };
    let mut chart = ChartBuilder::on(&root)
        .margin(MARGIN_PX as u32)
        .x_label_area_size(22)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(-look.window_secs..0.0, y_lo..y_hi)?;

    // Bands first, so lines and the grid stay on top of them.
    for threshold in look.thresholds {
        let colour = level_colour(threshold.level);
        let (bound, band) = match (threshold.above, threshold.below) {
            (Some(b), None) => (b, (b.max(y_lo), y_hi)),
            (None, Some(b)) => (b, (y_lo, b.min(y_hi))),
            _ => continue,
        };
        if band.0 < band.1 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(-look.window_secs, band.0), (0.0, band.1)],
                colour.mix(0.10).filled(),
            )))?;
        }
        if (y_lo..=y_hi).contains(&bound) {
            chart.draw_series(LineSeries::new(
                [(-look.window_secs, bound), (0.0, bound)],
                colour.stroke_width(1),
            ))?;
        }
    }

    chart
        .configure_mesh()
        .bold_line_style(palette.grid_bold)
        .light_line_style(palette.grid_light)
        // One faint line between labelled ones, not plotters' default of up to ten: the
        // default grid was about a hundred strokes, each with its style set from wasm —
        // most of a redraw's time (docs/performance.md, session 9) — and busy to read.
        .max_light_lines(1)
        .axis_style(palette.text)
        .label_style(("sans-serif", 12).into_font().color(&palette.text))
        .axis_desc_style(("sans-serif", 12).into_font().color(&palette.text))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|t| relative_time_label(*t))
        .y_desc(look.y_label)
        .draw()?;
    for (index, points) in series.iter().enumerate() {
        let colour = palette.series_colour(index);
        let steps;
        let line: &[Point] = if look.stepped {
            steps = stepped(points);
            &steps
        } else {
            points
        };
        chart.draw_series(LineSeries::new(
            line.iter().copied(),
            colour.stroke_width(2),
        ))?;
        if let Some(&last) = points.last() {
            chart.draw_series(std::iter::once(Circle::new(last, 3, colour.filled())))?;
        }
    }
    root.present()?;
    Ok(())
}
