//! Share links: a dashboard and its broker's address in the page's URL fragment,
//! `#d=<base64url of JSON>`. The fragment never reaches a server (browsers do not send
//! it), and it never holds credentials: the broker URL loses any `user:password@`, query
//! and fragment before it is put in.
//!
//! Plain, not compressed: a dashboard of a dozen blocks is a couple of kilobytes, well
//! within what browsers and chat apps carry in a link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::import::dashboard_from_json;
use super::Dashboard;

/// The fragment's key: `#d=…`.
const KEY: &str = "d=";

/// The longest fragment read, in characters: far more than any real dashboard needs,
/// and small enough that a hostile link costs nothing to refuse.
pub const MAX_FRAGMENT_CHARS: usize = 64 * 1024;

/// What a share link carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// The dashboard, checked as an import is.
    pub dashboard: Dashboard,
    /// Where its feeds are published, without credentials.
    pub broker_url: Option<String>,
}

/// The JSON inside the fragment.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    broker: Option<String>,
    dashboard: serde_json::Value,
}

/// The fragment (without `#`) that shares `dashboard` and `broker_url`.
pub fn share_fragment(dashboard: &Dashboard, broker_url: Option<&str>) -> String {
    let payload = Payload {
        broker: broker_url
            .map(without_credentials)
            .filter(|b| !b.is_empty()),
        dashboard: serde_json::to_value(dashboard).unwrap_or_default(),
    };
    let json = serde_json::to_string(&payload).unwrap_or_default();
    format!("{KEY}{}", URL_SAFE_NO_PAD.encode(json))
}

/// Reads a page's fragment (with or without its `#`): `None` when it is not a share
/// link (empty, or anything but `d=…`), else the dashboard or why it cannot be read.
pub fn read_fragment(fragment: &str) -> Option<Result<Shared, String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let encoded = fragment.strip_prefix(KEY)?;
    Some(
        decode(encoded)
            .map_err(|e| format!("The shared dashboard in this link cannot be opened: {e}")),
    )
}

fn decode(encoded: &str) -> Result<Shared, String> {
    if encoded.len() > MAX_FRAGMENT_CHARS {
        return Err(format!(
            "the link is {} KiB long, more than the {} KiB a shared dashboard may be",
            encoded.len() / 1024,
            MAX_FRAGMENT_CHARS / 1024
        ));
    }
    // Some chat apps and mail clients add a trailing `=` or percent-encode it.
    let encoded = encoded.trim_end_matches('=').trim_end_matches("%3D");
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|e| {
        format!("the link is damaged (not base64url: {e}); was it cut short when copied?")
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "the link is damaged (its content is not text)".to_owned())?;
    let payload: Payload = serde_json::from_str(&text)
        .map_err(|e| format!("the link is damaged (not a shared dashboard: {e})"))?;
    let dashboard = dashboard_from_json(payload.dashboard)?;
    Ok(Shared {
        dashboard,
        broker_url: payload.broker.map(|b| without_credentials(&b)),
    })
}

/// `wss://user:pw@host:8884/mqtt?token=x#y` → `wss://host:8884/mqtt`: no user info,
/// no query (brokers that take tokens take them there), no fragment.
pub fn without_credentials(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    let host = authority.rsplit('@').next().unwrap_or_default();
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::demo_dashboard;

    #[test]
    fn a_shared_dashboard_and_broker_read_back_unchanged() {
        let fragment = share_fragment(&demo_dashboard(), Some("wss://broker.example:8884/mqtt"));
        assert!(fragment.starts_with("d="));
        assert!(
            fragment[2..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "only URL-safe characters: {fragment}"
        );
        let shared = read_fragment(&format!("#{fragment}")).unwrap().unwrap();
        assert_eq!(shared.dashboard, demo_dashboard());
        assert_eq!(
            shared.broker_url.as_deref(),
            Some("wss://broker.example:8884/mqtt")
        );
    }

    #[test]
    fn credentials_in_the_broker_url_never_reach_the_link() {
        let fragment = share_fragment(
            &demo_dashboard(),
            Some("wss://alice:hunter2@broker.example/mqtt?token=abc#x"),
        );
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(&fragment[2..]).unwrap()).unwrap();
        assert!(
            !json.contains("hunter2") && !json.contains("alice") && !json.contains("abc"),
            "{json}"
        );
        let shared = read_fragment(&fragment).unwrap().unwrap();
        assert_eq!(
            shared.broker_url.as_deref(),
            Some("wss://broker.example/mqtt")
        );
    }

    #[test]
    fn credentials_put_into_a_hand_made_link_are_dropped_when_read() {
        let json =
            r#"{"broker":"ws://u:p@h:9001","dashboard":{"version":1,"title":"t","blocks":[]}}"#;
        let shared = read_fragment(&format!("d={}", URL_SAFE_NO_PAD.encode(json)))
            .unwrap()
            .unwrap();
        assert_eq!(shared.broker_url.as_deref(), Some("ws://h:9001"));
    }

    #[test]
    fn fragments_that_are_not_share_links_are_ignored() {
        for fragment in ["", "#", "#top", "#dashboard-title", "x=1"] {
            assert_eq!(read_fragment(fragment), None, "{fragment:?}");
        }
    }

    #[test]
    fn hostile_fragments_are_refused_with_a_message_never_a_panic() {
        let encode = |s: &str| format!("d={}", URL_SAFE_NO_PAD.encode(s));
        let cases = [
            ("d=", "not a shared dashboard"),
            ("d=!!!not-base64", "not base64url"),
            ("d=A", "not base64url"),
            (
                &format!("d={}", URL_SAFE_NO_PAD.encode([0xff, 0xfe, 0x00])),
                "not text",
            ),
            (&encode("[]"), "not a shared dashboard"),
            (
                &encode(r#"{"dashboard":{},"password":"x"}"#),
                "unknown field `password`",
            ),
            (
                &encode(r#"{"dashboard":{"version":7,"title":"t","blocks":[]}}"#),
                "unknown dashboard schema version 7",
            ),
            (
                &encode(
                    r#"{"dashboard":{"version":1,"title":"t","blocks":[{"title":"B","type":"value","topic":"+x"}]}}"#,
                ),
                r#"block 1 ("B"): topic: "+x" is not a valid topic"#,
            ),
        ];
        for (fragment, expected) in cases {
            let err = read_fragment(fragment).unwrap().unwrap_err();
            assert!(
                err.starts_with("The shared dashboard in this link cannot be opened: "),
                "{err}"
            );
            assert!(err.contains(expected), "{fragment:?}: {err}");
        }
    }

    #[test]
    fn an_oversized_fragment_is_refused_before_decoding() {
        let fragment = format!("d={}", "A".repeat(MAX_FRAGMENT_CHARS + 1));
        let err = read_fragment(&fragment).unwrap().unwrap_err();
        assert!(err.contains("more than the 64 KiB"), "{err}");
    }

    #[test]
    fn padding_added_by_a_mail_client_is_tolerated() {
        let fragment = share_fragment(&demo_dashboard(), None);
        let padded = format!("{fragment}==");
        assert_eq!(
            read_fragment(&padded).unwrap().unwrap().dashboard,
            demo_dashboard()
        );
    }

    #[test]
    fn urls_without_credentials_stay_as_they_are() {
        for url in [
            "ws://127.0.0.1:9001",
            "wss://h/mqtt",
            "wss://[::1]:8084/mqtt",
            "nonsense",
        ] {
            assert_eq!(without_credentials(url), url);
        }
    }
}
