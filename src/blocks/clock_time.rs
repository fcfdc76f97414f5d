//! Times of day for messages ("14:03:07"), in the page's time zone: a stream lists
//! when each message came, which a relative age ("12 s ago") would make jump.

/// `HH:MM:SS` of `time_ms` (milliseconds since the Unix epoch) at `offset_minutes`
/// east of UTC. A time that is not finite shows as `--:--:--`.
pub fn clock_time(time_ms: f64, offset_minutes: i32) -> String {
    if !time_ms.is_finite() {
        return "--:--:--".into();
    }
    let local_secs = (time_ms / 1000.0).floor() as i64 + i64::from(offset_minutes) * 60;
    let of_day = local_secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Minutes the page's time zone is east of UTC, now (JavaScript's offset is west).
#[cfg(target_arch = "wasm32")]
pub fn local_offset_minutes() -> i32 {
    let west = js_sys::Date::new_0().get_timezone_offset();
    -(west as i32)
}

/// Native builds (tests) have no page: UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn local_offset_minutes() -> i32 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_are_local_and_wrap_at_midnight() {
        // 2026-12-05 23:59:30 UTC.
        let t = 1_796_515_170_000.0;
        assert_eq!(clock_time(t, 0), "23:59:30");
        assert_eq!(clock_time(t, 60), "00:59:30");
        assert_eq!(clock_time(t, -330), "18:29:30");
        assert_eq!(clock_time(f64::NAN, 0), "--:--:--");
        assert_eq!(clock_time(-1500.0, 0), "23:59:58");
    }
}
