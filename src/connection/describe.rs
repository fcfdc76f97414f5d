//! User-facing explanations of connection failures: what went wrong and what to check.

use mqtt_session::Error;

use super::BrokerUrl;

/// The socket failed before it ever opened. Browsers hide the cause (by design), so
/// say what the usual causes are for this kind of URL.
pub fn socket_never_opened(url: &BrokerUrl) -> String {
    let mut text = format!(
        "Could not open {}: nothing answered there, or it is not an MQTT WebSocket listener. \
         Check the host, the port and the path (often 9001 or 8080 for ws://; 8081, 8084, 8884 \
         or 443 for wss://; some brokers want the path /mqtt).",
        url.as_str()
    );
    if url.is_secure() {
        text.push_str(&format!(
            " If the broker's certificate comes from a private CA, this browser must trust it: \
             open https://{} once and accept it, or install the CA.",
            authority(url.as_str())
        ));
    }
    text
}

/// A page loaded over https may not open `ws://` (mixed content).
pub fn insecure_socket_from_secure_page(url: &BrokerUrl) -> String {
    format!(
        "This page was loaded over https, so the browser will not open the unencrypted {}. \
         Use the broker's wss:// listener.",
        url.as_str()
    )
}

/// The open socket closed or failed.
pub fn socket_closed(code: u16, reason: &str) -> String {
    match (code, reason.is_empty()) {
        (1000, _) => "The broker closed the connection".into(),
        (_, true) => format!("The connection was lost (WebSocket close code {code})"),
        (_, false) => format!("The connection was lost: {reason} (WebSocket close code {code})"),
    }
}

/// A session error, as the form's alert shows it.
pub fn session_error(error: &Error) -> String {
    match error {
        Error::BrokerRefused(refusal) => {
            format!("The broker refused the connection: {}", refusal.reason)
        }
        Error::BrokerDisconnected(refusal) => {
            format!("The broker closed the connection: {}", refusal.reason)
        }
        other => other.to_string(),
    }
}

/// `host:port` of a ws(s) URL, for the https link that lets a user accept a certificate.
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wss_failure_names_the_url_and_the_certificate_page_to_open() {
        let url = BrokerUrl::parse("wss://broker.example:8884/mqtt").unwrap();
        let text = socket_never_opened(&url);
        assert!(text.contains("wss://broker.example:8884/mqtt"), "{text}");
        assert!(text.contains("https://broker.example:8884 once"), "{text}");
    }

    #[test]
    fn a_ws_failure_does_not_talk_about_certificates() {
        let url = BrokerUrl::parse("ws://127.0.0.1:1").unwrap();
        let text = socket_never_opened(&url);
        assert!(
            text.starts_with("Could not open ws://127.0.0.1:1:"),
            "{text}"
        );
        assert!(!text.contains("certificate"));
    }

    #[test]
    fn close_codes_and_reasons_are_shown() {
        assert_eq!(
            socket_closed(1006, ""),
            "The connection was lost (WebSocket close code 1006)"
        );
        assert!(socket_closed(1011, "overloaded").contains("overloaded"));
    }
}
