//! Both themes' colours checked for WCAG AA contrast, from style/main.css itself: every
//! text colour on every background it is used on at least 4.5:1, focus rings 3:1.

use std::collections::HashMap;

const CSS: &str = include_str!("../../style/main.css");

/// The `--name: #rrggbb;` variables of the block that starts at `selector {`.
fn variables(selector: &str) -> HashMap<String, (f64, f64, f64)> {
    let start = CSS
        .find(&format!("{selector} {{"))
        .unwrap_or_else(|| panic!("no {selector} in style/main.css"));
    let body = &CSS[start..start + CSS[start..].find('}').expect("a closing brace")];
    body.lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
            let hex = value.trim().trim_end_matches(';').strip_prefix('#')?;
            let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            let linear = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.04045 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            Some((
                name.to_owned(),
                (
                    linear(channel(0)?),
                    linear(channel(2)?),
                    linear(channel(4)?),
                ),
            ))
        })
        .collect()
}

fn contrast(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let luminance = |(r, g, b): (f64, f64, f64)| 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// (foreground, background, least ratio).
const PAIRS: [(&str, &str, f64); 21] = [
    ("ink", "paper", 4.5),
    ("ink", "ground", 4.5),
    ("muted", "paper", 4.5),
    ("muted", "ground", 4.5),
    ("accent", "paper", 4.5),
    ("accent", "ground", 4.5),
    ("on-accent", "accent-fill", 4.5),
    ("on-accent", "pressed", 4.5),
    ("on-accent", "danger-fill", 4.5),
    ("ok", "paper", 4.5),
    ("ok", "ground", 4.5),
    ("bad", "paper", 4.5),
    ("warn", "paper", 4.5),
    ("warn-ink", "warn-bg", 4.5),
    ("alarm-ink", "alarm-bg", 4.5),
    ("ink", "info-bg", 4.5),
    ("muted", "info-bg", 4.5),
    ("ink", "quiet-bg", 4.5),
    ("focus", "paper", 3.0),
    ("focus", "ground", 3.0),
    ("map-track", "ground", 3.0),
];

#[test]
fn both_themes_meet_wcag_aa_contrast() {
    let mut failures = Vec::new();
    for selector in [":root", ":root[data-theme=\"dark\"]"] {
        let colours = variables(selector);
        for (fg, bg, least) in PAIRS {
            let (Some(&f), Some(&b)) = (colours.get(fg), colours.get(bg)) else {
                failures.push(format!("{selector}: --{fg} or --{bg} missing"));
                continue;
            };
            let ratio = contrast(f, b);
            if ratio < least {
                failures.push(format!(
                    "{selector}: --{fg} on --{bg} is {ratio:.2}:1, under {least}:1"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
