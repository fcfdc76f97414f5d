//! File names for downloads, made from titles and topics the user (or an imported
//! dashboard) chose: nothing that a file system or a path could read as more.

/// `text` with every character but letters, digits, `-` and `_` replaced by `-`, the
/// ends trimmed of `-`, at most `max_chars` long; `None` when nothing is left.
pub fn file_stem(text: &str, max_chars: usize) -> Option<String> {
    let stem: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem: String = stem.trim_matches('-').chars().take(max_chars).collect();
    (!stem.is_empty()).then_some(stem)
}

/// The CSV export's file name for a feed or topic called `label`.
pub fn csv_file_name(label: &str) -> String {
    match file_stem(label, 80) {
        Some(stem) => format!("{stem}.csv"),
        None => "export.csv".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_letters_digits_and_underscores_only() {
        assert_eq!(
            csv_file_name("home/f/temperature"),
            "home-f-temperature.csv"
        );
        assert_eq!(csv_file_name("../../etc/passwd"), "etc-passwd.csv");
        assert_eq!(csv_file_name("///"), "export.csv");
        assert_eq!(csv_file_name("ward_3/hr"), "ward_3-hr.csv");
        assert_eq!(file_stem(&"x".repeat(100), 80).map(|s| s.len()), Some(80));
    }
}
