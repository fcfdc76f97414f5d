//! The block types the wizard offers, and the settings it asks for each: a table, so
//! that the form, the defaults and the tests all read the same description.
//!
//! Keys are the dashboard schema's (docs/dashboard-schema.md). Settings not listed here
//! (thresholds, chart series, a stale time) are kept as they are when a block is edited,
//! and can be given in the JSON of an import.

/// One block type as the wizard shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockType {
    /// The schema's `type`.
    pub key: &'static str,
    /// Its name in the list.
    pub name: &'static str,
    /// One line on what it is for.
    pub about: &'static str,
    /// The topic asked for in the wizard's second step (a feed to read, or the topic a
    /// control publishes to); `None` for a block without one (a heading).
    pub topic: Option<Field>,
    /// The settings asked for in the third step, after the title.
    pub settings: &'static [Field],
}

/// One setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// The schema's key.
    pub key: &'static str,
    /// The form's label.
    pub label: &'static str,
    /// What it holds, which decides the input and how the text becomes JSON.
    pub kind: FieldKind,
    /// What a new block starts with ("" for nothing: an optional field left out).
    pub default: &'static str,
    /// Must be given.
    pub required: bool,
}

/// What a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Text as typed.
    Text,
    /// A topic filter to read (wildcards allowed), with suggestions.
    ReadTopic,
    /// A topic to publish to (no wildcards), with suggestions.
    WriteTopic,
    /// A number.
    Number,
    /// A whole number, not negative.
    Count,
    /// On or off.
    Checkbox,
    /// MQTT QoS 0, 1 or 2.
    Qos,
    /// A colour, `#rrggbb`.
    Colour,
    /// Several texts, separated by commas.
    List,
}

const fn field(key: &'static str, label: &'static str, kind: FieldKind) -> Field {
    Field {
        key,
        label,
        kind,
        default: "",
        required: false,
    }
}

const fn required(key: &'static str, label: &'static str, kind: FieldKind) -> Field {
    Field {
        key,
        label,
        kind,
        default: "",
        required: true,
    }
}

const fn with_default(
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    default: &'static str,
) -> Field {
    Field {
        key,
        label,
        kind,
        default,
        required: false,
    }
}

use FieldKind::*;

const FEED: Field = required("topic", "Feed topic", ReadTopic);
const COMMAND: Field = required("command_topic", "Command topic (published to)", WriteTopic);
const UNIT: Field = field("unit", "Unit", Text);
const DECIMALS: Field = field("decimals", "Decimals", Count);
const QOS: Field = with_default("qos", "QoS", Qos, "1");
const RETAIN: Field = field("retain", "Retain", Checkbox);
const STATE: Field = field("state_topic", "State topic (the device reports)", ReadTopic);
const JSON_PATH: Field = field(
    "json_path",
    "JSON path, for a JSON payload (e.g. $.temperature)",
    Text,
);
const CSV_FIELD: Field = field(
    "csv_field",
    "CSV field, for comma-separated values (from 1)",
    Count,
);

/// Every block type the wizard can make, in the order it lists them.
pub const BLOCK_TYPES: &[BlockType] = &[
    BlockType {
        key: "value",
        name: "Value",
        about: "The latest number, big, with its unit",
        topic: Some(FEED),
        settings: &[UNIT, DECIMALS, JSON_PATH, CSV_FIELD],
    },
    BlockType {
        key: "gauge",
        name: "Gauge",
        about: "The latest number on a dial between a minimum and a maximum",
        topic: Some(FEED),
        settings: &[
            with_default("min", "Minimum", Number, "0"),
            with_default("max", "Maximum", Number, "100"),
            UNIT,
            DECIMALS,
            JSON_PATH,
            CSV_FIELD,
        ],
    },
    BlockType {
        key: "line_chart",
        name: "Line chart",
        about: "A number over time",
        topic: Some(FEED),
        settings: &[
            UNIT,
            with_default("window_secs", "Time shown (seconds)", Count, "300"),
            field("y_min", "Y axis from", Number),
            field("y_max", "Y axis to", Number),
            field("y_label", "Y axis label", Text),
            DECIMALS,
            field("stepped", "Stepped (on/off data)", Checkbox),
            JSON_PATH,
            CSV_FIELD,
        ],
    },
    BlockType {
        key: "toggle",
        name: "Toggle",
        about: "Switch a device on and off, showing the state it reports",
        topic: Some(COMMAND),
        settings: &[
            required("state_topic", "State topic (the device reports)", ReadTopic),
            with_default("on_payload", "On payload", Text, "ON"),
            with_default("off_payload", "Off payload", Text, "OFF"),
            QOS,
            RETAIN,
            JSON_PATH,
        ],
    },
    BlockType {
        key: "button",
        name: "Momentary button",
        about: "Publish a payload when pressed (and another when let go)",
        topic: Some(COMMAND),
        settings: &[
            field("label", "Button text", Text),
            with_default("press_payload", "Press payload", Text, "1"),
            field("release_payload", "Release payload", Text),
            QOS,
            RETAIN,
        ],
    },
    BlockType {
        key: "slider",
        name: "Slider",
        about: "Choose a number between a minimum and a maximum",
        topic: Some(COMMAND),
        settings: &[
            STATE,
            with_default("min", "Minimum", Number, "0"),
            with_default("max", "Maximum", Number, "100"),
            with_default("step", "Step", Number, "1"),
            UNIT,
            QOS,
            RETAIN,
        ],
    },
    BlockType {
        key: "number_pad",
        name: "Number pad",
        about: "Type a number and send it",
        topic: Some(COMMAND),
        settings: &[
            STATE,
            field("min", "Minimum", Number),
            field("max", "Maximum", Number),
            UNIT,
            QOS,
            RETAIN,
        ],
    },
    BlockType {
        key: "color_picker",
        name: "Colour picker",
        about: "Send a colour as #rrggbb",
        topic: Some(COMMAND),
        settings: &[
            with_default("initial", "Starting colour", Colour, "#000000"),
            QOS,
            RETAIN,
        ],
    },
    BlockType {
        key: "indicator",
        name: "Indicator",
        about: "A lamp: on when the payload is a given text, or a number passes a bound",
        topic: Some(FEED),
        settings: &[
            with_default("on_payload", "On when the payload is", Text, "ON"),
            field("above", "Or: on above", Number),
            field("below", "Or: on below", Number),
            with_default("on_text", "Text when on", Text, "On"),
            with_default("off_text", "Text when off", Text, "Off"),
            with_default("on_colour", "Colour when on", Colour, "#1a7f37"),
            with_default("off_colour", "Colour when off", Colour, "#8c959f"),
            JSON_PATH,
        ],
    },
    BlockType {
        key: "text",
        name: "Text",
        about: "The latest message as text: a status, a name, a note",
        topic: Some(FEED),
        settings: &[JSON_PATH, CSV_FIELD],
    },
    BlockType {
        key: "stream",
        name: "Stream",
        about: "The last messages, newest first, with their times",
        topic: Some(FEED),
        settings: &[
            with_default("lines", "Messages listed", Count, "20"),
            JSON_PATH,
        ],
    },
    BlockType {
        key: "image",
        name: "Image",
        about: "The latest picture: base64 or a data: URI of a PNG, JPEG, GIF or WebP",
        topic: Some(FEED),
        settings: &[JSON_PATH],
    },
    BlockType {
        key: "map",
        name: "Map",
        about: "Where a device is and has been: lat/lon from Adafruit IO JSON or CSV",
        topic: Some(FEED),
        settings: &[
            with_default("points", "Positions in the track", Count, "100"),
            JSON_PATH,
        ],
    },
    BlockType {
        key: "heading",
        name: "Heading",
        about: "A title that starts a group of blocks",
        topic: None,
        settings: &[field("text", "Text under the title", Text)],
    },
    BlockType {
        key: "device_api",
        name: "Device API",
        about: "Call a device's request/response API (see docs/device-api.md)",
        topic: None,
        settings: &[
            required("user", "User", Text),
            required("device", "Device", Text),
            required("endpoints", "Endpoints (comma-separated)", List),
            with_default("timeout_secs", "Answer within (seconds)", Count, "10"),
        ],
    },
];

/// The block type with schema key `key`.
pub fn block_type(key: &str) -> Option<&'static BlockType> {
    BLOCK_TYPES.iter().find(|t| t.key == key)
}

impl BlockType {
    /// Every field of the form: the topic first, then the settings.
    pub fn fields(&'static self) -> impl Iterator<Item = &'static Field> {
        self.topic.iter().chain(self.settings.iter())
    }
}
