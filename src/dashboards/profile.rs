//! A dashboard's connection profile as it is saved: what the connection form holds,
//! minus the password unless the user asked for it to be remembered.

use mqtt_session::ProtocolVersion;
use serde::{Deserialize, Serialize};

use crate::connection::ConnectionSettings;

/// The connection form of one dashboard, as saved in the browser.
///
/// Unknown fields are ignored rather than refused: a profile is never hand-written the
/// way a dashboard is, and one field too many must not cost the user their dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// e.g. `wss://broker.example:8884/mqtt`, as typed.
    #[serde(default)]
    pub broker_url: String,
    /// Empty: generated on connect.
    #[serde(default)]
    pub client_id: String,
    /// Empty: no username.
    #[serde(default)]
    pub username: String,
    /// `"3.1.1"` or `"5"`.
    #[serde(default)]
    pub mqtt_version: MqttVersion,
    /// Seconds, as typed.
    #[serde(default = "default_keep_alive")]
    pub keep_alive: String,
    /// Start with a fresh session.
    #[serde(default = "default_true")]
    pub clean_start: bool,
    /// Adafruit IO mode (see [`crate::connection::adafruit`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adafruit: bool,
    /// The user ticked "Remember password".
    #[serde(default)]
    pub remember_password: bool,
    /// Present only when `remember_password` is set: see [`Profile::from_form`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// The protocol version as saved: a string, so the stored JSON reads as the form does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MqttVersion {
    /// MQTT 3.1.1.
    #[default]
    #[serde(rename = "3.1.1")]
    V3_1_1,
    /// MQTT 5.0.
    #[serde(rename = "5")]
    V5,
}

fn default_keep_alive() -> String {
    ConnectionSettings::default().keep_alive
}

fn default_true() -> bool {
    true
}

impl Default for Profile {
    fn default() -> Self {
        Self::from_form(&ConnectionSettings::default(), false)
    }
}

impl Profile {
    /// The profile to save for the form's `settings`. The password is kept only when
    /// `remember_password`; otherwise it is dropped here, so no code path after this one
    /// can write it anywhere.
    pub fn from_form(settings: &ConnectionSettings, remember_password: bool) -> Self {
        Self {
            broker_url: settings.broker_url.clone(),
            client_id: settings.client_id.clone(),
            username: settings.username.clone(),
            mqtt_version: match settings.version {
                ProtocolVersion::V3_1_1 => MqttVersion::V3_1_1,
                ProtocolVersion::V5 => MqttVersion::V5,
            },
            keep_alive: settings.keep_alive.clone(),
            clean_start: settings.clean_start,
            adafruit: settings.adafruit,
            remember_password,
            password: remember_password.then(|| settings.password.clone()),
        }
    }

    /// The form's values for this profile: the password is empty unless remembered.
    pub fn to_form(&self) -> ConnectionSettings {
        ConnectionSettings {
            broker_url: self.broker_url.clone(),
            client_id: self.client_id.clone(),
            username: self.username.clone(),
            password: if self.remember_password {
                self.password.clone().unwrap_or_default()
            } else {
                String::new()
            },
            version: match self.mqtt_version {
                MqttVersion::V3_1_1 => ProtocolVersion::V3_1_1,
                MqttVersion::V5 => ProtocolVersion::V5,
            },
            keep_alive: self.keep_alive.clone(),
            clean_start: self.clean_start,
            adafruit: self.adafruit,
        }
    }

    /// Only where to connect: what a new dashboard made from a shared link or an
    /// import starts with. Never credentials.
    pub fn for_broker(broker_url: &str) -> Self {
        Self {
            broker_url: broker_url.to_owned(),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form_with_password() -> ConnectionSettings {
        ConnectionSettings {
            broker_url: "wss://broker.example/mqtt".into(),
            username: "alice".into(),
            password: "s3cret".into(),
            version: ProtocolVersion::V5,
            adafruit: true,
            ..ConnectionSettings::default()
        }
    }

    #[test]
    fn the_password_is_not_saved_unless_remember_is_ticked() {
        let profile = Profile::from_form(&form_with_password(), false);
        let json = serde_json::to_string(&profile).unwrap();
        assert!(!json.contains("s3cret"), "{json}");
        assert!(!json.contains("\"password\""), "{json}");
        assert_eq!(profile.to_form().password, "");
        assert_eq!(profile.to_form().username, "alice");
    }

    #[test]
    fn a_remembered_password_comes_back_with_the_form() {
        let profile = Profile::from_form(&form_with_password(), true);
        let json = serde_json::to_string(&profile).unwrap();
        let back: Profile = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_form(), form_with_password());
    }

    #[test]
    fn a_password_saved_without_remember_is_not_used() {
        // Hand-edited storage: a password, but the box was never ticked.
        let profile: Profile =
            serde_json::from_str(r#"{"broker_url":"ws://h","password":"x"}"#).unwrap();
        assert_eq!(profile.to_form().password, "");
    }

    #[test]
    fn missing_fields_take_the_forms_defaults() {
        let profile: Profile = serde_json::from_str("{}").unwrap();
        assert_eq!(
            profile.to_form(),
            ConnectionSettings {
                broker_url: String::new(),
                ..ConnectionSettings::default()
            }
        );
    }

    #[test]
    fn the_protocol_version_is_saved_as_the_form_shows_it() {
        let json = serde_json::to_value(Profile::from_form(&form_with_password(), false)).unwrap();
        assert_eq!(json["mqtt_version"], "5");
    }
}
