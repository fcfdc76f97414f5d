//! The map block's arithmetic, with no browser in it: reading a position out of a
//! payload, and fitting a track into the drawing with a grid and a scale bar — no map
//! tiles, so no request ever leaves for a tile server.

use serde_json::Value;

/// A position in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Latitude, −90 to 90.
    pub lat: f64,
    /// Longitude, −180 to 180.
    pub lon: f64,
}

impl Position {
    /// A position if both are finite and in range.
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        let valid = lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon);
        valid.then_some(Position { lat, lon })
    }

    /// `52.37020° N, 4.89520° E`: five decimals, about a metre.
    pub fn describe(self) -> String {
        let ns = if self.lat < 0.0 { 'S' } else { 'N' };
        let ew = if self.lon < 0.0 { 'W' } else { 'E' };
        format!("{:.5}° {ns}, {:.5}° {ew}", self.lat.abs(), self.lon.abs())
    }
}

/// Reads a position from a payload: Adafruit IO's JSON (`{"value": 1, "lat": 52.37,
/// "lon": 4.89, "ele": 2}`, also `latitude`/`longitude`/`lng`, numbers or numeric
/// strings), or comma-separated: `lat,lon`, or Adafruit IO's `value,lat,lon[,ele]`.
pub fn read_position(text: &str) -> Result<Position, String> {
    let text = text.trim();
    let (lat, lon) = if text.starts_with('{') {
        let json: Value =
            serde_json::from_str(text).map_err(|_| "not JSON with lat and lon".to_owned())?;
        let field = |names: &[&str]| names.iter().find_map(|n| json.get(*n)).and_then(number);
        (
            field(&["lat", "latitude"]).ok_or("no lat in the JSON")?,
            field(&["lon", "lng", "longitude"]).ok_or("no lon in the JSON")?,
        )
    } else {
        let fields: Vec<&str> = text.split(',').map(str::trim).collect();
        let (lat, lon) = match fields.len() {
            2 => (fields[0], fields[1]),
            3 | 4 => (fields[1], fields[2]),
            _ => return Err("not lat,lon nor value,lat,lon[,ele]".into()),
        };
        let parse = |s: &str| s.parse::<f64>().ok();
        (
            parse(lat).ok_or("latitude is not a number")?,
            parse(lon).ok_or("longitude is not a number")?,
        )
    };
    Position::new(lat, lon).ok_or_else(|| format!("out of range: {lat}, {lon}"))
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The drawing's size, in SVG units.
pub const WIDTH: f64 = 320.0;
/// The drawing's height.
pub const HEIGHT: f64 = 200.0;
const MARGIN: f64 = 16.0;

/// Metres per degree of latitude (and of longitude at the equator).
const METRES_PER_DEGREE: f64 = 111_320.0;

/// Where the track goes in the drawing: degrees to SVG units, equal metres both ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    lat_top: f64,
    lon_left: f64,
    /// SVG units per degree of latitude.
    scale: f64,
    /// Shrinks longitude at this latitude (cos of the middle latitude).
    lon_factor: f64,
}

/// The smallest span shown, in degrees (about 200 m): one point, or a device that
/// has not moved, still gets a sensible scale.
const MIN_SPAN_DEG: f64 = 0.002;

impl Frame {
    /// A frame holding every position, centred; `None` for none.
    pub fn fit(positions: &[Position]) -> Option<Frame> {
        let first = positions.first()?;
        let (mut lat_min, mut lat_max, mut lon_min, mut lon_max) =
            (first.lat, first.lat, first.lon, first.lon);
        for p in positions {
            lat_min = lat_min.min(p.lat);
            lat_max = lat_max.max(p.lat);
            lon_min = lon_min.min(p.lon);
            lon_max = lon_max.max(p.lon);
        }
        let lon_factor = ((lat_min + lat_max) / 2.0).to_radians().cos().max(0.01);
        let height_deg = (lat_max - lat_min).max(MIN_SPAN_DEG);
        let width_deg = ((lon_max - lon_min) * lon_factor).max(MIN_SPAN_DEG);
        let scale = ((WIDTH - 2.0 * MARGIN) / width_deg).min((HEIGHT - 2.0 * MARGIN) / height_deg);
        // Centre the box: the top-left corner in degrees.
        let lat_mid = (lat_min + lat_max) / 2.0;
        let lon_mid = (lon_min + lon_max) / 2.0;
        Some(Frame {
            lat_top: lat_mid + HEIGHT / 2.0 / scale,
            lon_left: lon_mid - WIDTH / 2.0 / scale / lon_factor,
            scale,
            lon_factor,
        })
    }

    /// The point in the drawing.
    pub fn place(&self, p: Position) -> (f64, f64) {
        (
            (p.lon - self.lon_left) * self.lon_factor * self.scale,
            (self.lat_top - p.lat) * self.scale,
        )
    }

    /// A scale bar: its length in SVG units and its label (`200 m`, `5 km`), a round
    /// distance about a quarter of the width.
    pub fn scale_bar(&self) -> (f64, String) {
        let metres_per_unit = METRES_PER_DEGREE / self.scale;
        let metres = nice_below(WIDTH / 4.0 * metres_per_unit);
        let label = if metres >= 1000.0 {
            format!("{} km", metres / 1000.0)
        } else {
            format!("{metres} m")
        };
        (metres / metres_per_unit, label)
    }
}

/// The largest 1, 2 or 5 × 10ⁿ not above `x` (x > 0).
fn nice_below(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * power)
        .find(|v| *v <= x)
        .unwrap_or(power)
}

/// `points` attribute of an SVG polyline through `positions`.
pub fn polyline(frame: &Frame, positions: &[Position]) -> String {
    positions
        .iter()
        .map(|p| {
            let (x, y) = frame.place(*p);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Position {
        Position::new(lat, lon).unwrap()
    }

    #[test]
    fn positions_are_read_from_adafruit_json_and_csv() {
        let amsterdam = at(52.3702, 4.8952);
        for text in [
            r#"{"value": 3, "lat": 52.3702, "lon": 4.8952, "ele": 2}"#,
            r#"{"latitude": "52.3702", "longitude": "4.8952"}"#,
            r#"{"lat": 52.3702, "lng": 4.8952}"#,
            "52.3702, 4.8952",
            "3,52.3702,4.8952",
            "3,52.3702,4.8952,2.5",
        ] {
            assert_eq!(read_position(text), Ok(amsterdam), "{text}");
        }
    }

    #[test]
    fn bad_positions_say_why() {
        assert_eq!(read_position("{").unwrap_err(), "not JSON with lat and lon");
        assert_eq!(
            read_position(r#"{"lon": 1}"#).unwrap_err(),
            "no lat in the JSON"
        );
        assert_eq!(read_position("91,0").unwrap_err(), "out of range: 91, 0");
        assert_eq!(
            read_position("a,b").unwrap_err(),
            "latitude is not a number"
        );
        assert!(read_position("1").is_err());
        assert!(read_position("NaN,1").is_err());
        assert!(read_position(&"9,".repeat(10_000)).is_err());
    }

    #[test]
    fn positions_read_in_words_with_hemispheres() {
        assert_eq!(at(52.3702, 4.8952).describe(), "52.37020° N, 4.89520° E");
        assert_eq!(at(-33.8688, -70.0).describe(), "33.86880° S, 70.00000° W");
    }

    #[test]
    fn a_track_fits_inside_the_drawing_with_equal_metres_both_ways() {
        let track = [at(52.0, 4.0), at(52.01, 4.02), at(52.02, 4.0)];
        let frame = Frame::fit(&track).unwrap();
        for p in track {
            let (x, y) = frame.place(p);
            assert!(
                (MARGIN - 0.01..=WIDTH - MARGIN + 0.01).contains(&x),
                "x {x}"
            );
            assert!(
                (MARGIN - 0.01..=HEIGHT - MARGIN + 0.01).contains(&y),
                "y {y}"
            );
        }
        // North is up, east is right.
        let (x0, y0) = frame.place(track[0]);
        let (x1, y1) = frame.place(track[1]);
        assert!(x1 > x0 && y1 < y0);
        // 0.01° of latitude and 0.01° × cos(52°) of longitude are the same distance.
        let (_, y2) = frame.place(at(52.01, 4.0));
        let (x3, _) = frame.place(at(52.0, 4.0 + 0.01 / 52f64.to_radians().cos()));
        assert!(
            ((y0 - y2) - (x3 - x0)).abs() < 0.5,
            "{} vs {}",
            y0 - y2,
            x3 - x0
        );
    }

    #[test]
    fn one_point_is_centred_and_the_scale_bar_is_a_round_distance() {
        let frame = Frame::fit(&[at(10.0, 20.0)]).unwrap();
        let (x, y) = frame.place(at(10.0, 20.0));
        assert!((x - WIDTH / 2.0).abs() < 1e-6 && (y - HEIGHT / 2.0).abs() < 1e-6);
        let (length, label) = frame.scale_bar();
        assert!(length > 0.0 && length <= WIDTH / 4.0, "{length}");
        assert!(
            ["50 m", "100 m", "200 m"].contains(&label.as_str()),
            "{label}"
        );
        assert_eq!(nice_below(7300.0), 5000.0);
        assert_eq!(nice_below(1.0), 1.0);
        assert!(Frame::fit(&[]).is_none());
        let wide = Frame::fit(&[at(0.0, -170.0), at(0.0, 170.0)]).unwrap();
        assert!(wide.scale_bar().1.ends_with("km"));
    }
}
