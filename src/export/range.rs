//! Which arrivals an export holds: everything kept, the last minutes or hours, or
//! between two times the user typed.

/// Arrival times from `from_ms` to `to_ms`, inclusive, in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeRange {
    pub from_ms: f64,
    pub to_ms: f64,
}

impl TimeRange {
    /// Everything, whenever it arrived.
    pub const ALL: TimeRange = TimeRange {
        from_ms: f64::NEG_INFINITY,
        to_ms: f64::INFINITY,
    };

    /// True when `time_ms` is in the range.
    pub fn contains(self, time_ms: f64) -> bool {
        self.from_ms <= time_ms && time_ms <= self.to_ms
    }
}

/// The time ranges the export offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RangeChoice {
    #[default]
    Everything,
    LastMinutes(u32),
    Between,
}

impl RangeChoice {
    /// In the order the page lists them.
    pub const ALL: [RangeChoice; 6] = [
        RangeChoice::Everything,
        RangeChoice::LastMinutes(5),
        RangeChoice::LastMinutes(60),
        RangeChoice::LastMinutes(6 * 60),
        RangeChoice::LastMinutes(24 * 60),
        RangeChoice::Between,
    ];

    /// What the select says.
    pub fn label(self) -> String {
        match self {
            RangeChoice::Everything => "Everything kept".to_owned(),
            RangeChoice::LastMinutes(m) if m % 60 == 0 && m > 60 => {
                format!("Last {} hours", m / 60)
            }
            RangeChoice::LastMinutes(60) => "Last hour".to_owned(),
            RangeChoice::LastMinutes(m) => format!("Last {m} minutes"),
            RangeChoice::Between => "Between two times".to_owned(),
        }
    }

    /// A key for the select's option value.
    pub fn key(self) -> String {
        match self {
            RangeChoice::Everything => "all".to_owned(),
            RangeChoice::LastMinutes(m) => format!("last-{m}"),
            RangeChoice::Between => "between".to_owned(),
        }
    }

    /// The choice with this key; `None` for anything else.
    pub fn from_key(key: &str) -> Option<RangeChoice> {
        RangeChoice::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The range at `now_ms`; for [`RangeChoice::Between`], from the two times typed
    /// (`None` where the field is empty or not a time). Refused with what to fix.
    pub fn range(
        self,
        now_ms: f64,
        from_ms: Option<f64>,
        to_ms: Option<f64>,
    ) -> Result<TimeRange, String> {
        match self {
            RangeChoice::Everything => Ok(TimeRange::ALL),
            RangeChoice::LastMinutes(m) => Ok(TimeRange {
                from_ms: now_ms - f64::from(m) * 60_000.0,
                to_ms: f64::INFINITY,
            }),
            RangeChoice::Between => {
                let from_ms = from_ms.ok_or("Choose the date and time to start from.")?;
                let to_ms = to_ms.ok_or("Choose the date and time to end at.")?;
                if from_ms > to_ms {
                    return Err("The start is after the end: swap them.".to_owned());
                }
                // A typed time has whole seconds: its end includes that whole second.
                Ok(TimeRange {
                    from_ms,
                    to_ms: to_ms + 999.999,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_has_a_label_and_a_key_that_finds_it() {
        let labels: Vec<String> = RangeChoice::ALL.iter().map(|c| c.label()).collect();
        assert_eq!(
            labels,
            [
                "Everything kept",
                "Last 5 minutes",
                "Last hour",
                "Last 6 hours",
                "Last 24 hours",
                "Between two times"
            ]
        );
        for choice in RangeChoice::ALL {
            assert_eq!(RangeChoice::from_key(&choice.key()), Some(choice));
        }
        assert_eq!(RangeChoice::from_key("last-7"), None);
    }

    #[test]
    fn ranges_are_measured_from_now_or_typed_and_checked() {
        let now = 10_000_000.0;
        let last = RangeChoice::LastMinutes(5).range(now, None, None).unwrap();
        assert!(last.contains(now - 300_000.0) && !last.contains(now - 300_001.0));
        assert!(RangeChoice::Everything
            .range(now, None, None)
            .unwrap()
            .contains(-1e300));
        let between = RangeChoice::Between;
        assert!(between
            .range(now, None, Some(1.0))
            .unwrap_err()
            .contains("start"));
        assert!(between
            .range(now, Some(1.0), None)
            .unwrap_err()
            .contains("end"));
        assert!(between
            .range(now, Some(2000.0), Some(1000.0))
            .unwrap_err()
            .contains("after"));
        let typed = between.range(now, Some(1000.0), Some(2000.0)).unwrap();
        assert!(typed.contains(1000.0) && typed.contains(2999.0) && !typed.contains(3000.0));
    }
}
