//! The document the dashboards are saved as in the browser, and reading it back:
//! parsing, migrating from older formats, and keeping whatever cannot be read.
//! Plain functions over strings; [`super::storage`] moves the strings in and out of
//! `localStorage`.
//!
//! ```json
//! { "format": 1, "open": 2,
//!   "dashboards": [ { "id": 1, "origin": "builtin", "dashboard": { … }, "connection": { … } } ] }
//! ```
//!
//! Storage is untrusted (edited by hand, written by another version): an entry that
//! does not read is reported, kept as it was and written back unchanged, and the others
//! load. A document from a newer version is left alone (nothing is saved over it).

use serde_json::{json, Value};

use super::import::read_dashboard;
use super::library::{origin_tag, Entry, EntryId, Library, Origin};
use super::Profile;

/// The format this version writes. Older formats are migrated on reading (see
/// [`migrate`]); a newer one is not touched.
pub const FORMAT: u64 = 1;

/// What reading the saved document gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The dashboards that read, plus the unreadable entries kept aside.
    pub library: Library,
    /// What to tell the user: one sentence per problem.
    pub problems: Vec<String>,
    /// False when saving would destroy something this version cannot read: the page
    /// then saves nothing.
    pub writable: bool,
    /// The saved text, when it is unreadable as a whole: to be set aside under another
    /// key before anything is saved over it.
    pub set_aside: Option<String>,
}

/// Reads the saved text (`None`: nothing saved yet). Never fails: problems are listed.
pub fn load(text: Option<&str>) -> Loaded {
    let fresh = |problems, writable, set_aside| Loaded {
        library: Library::default(),
        problems,
        writable,
        set_aside,
    };
    let Some(text) = text else {
        return fresh(Vec::new(), true, None);
    };
    let document = serde_json::from_str::<Value>(text)
        .map_err(|e| Refusal::Damaged(format!("it is not valid JSON ({e})")))
        .and_then(migrate);
    match document {
        Ok(document) => read_current(document),
        Err(Refusal::Newer(format)) => fresh(
            vec![format!(
                "The saved dashboards were written by a newer version of Feedboard (format {format}, this one reads {FORMAT}). \
                 They are left as they are and nothing is saved; this page shows the built-in dashboard."
            )],
            false,
            None,
        ),
        Err(Refusal::Damaged(why)) => fresh(
            vec![format!(
                "The saved dashboards could not be read: {why}. The saved text is kept aside unchanged; this page starts afresh."
            )],
            true,
            Some(text.to_owned()),
        ),
    }
}

/// Why a saved document is not read.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Written by a newer version: this format number.
    Newer(u64),
    /// Not a document of any format: why.
    Damaged(String),
}

/// Brings a saved document of any known format to [`FORMAT`]. Format 1 is the first
/// (a hand-written document without `"format"` is read as 1); each later format adds one
/// step here, from the oldest up, so a document written years ago still opens.
pub fn migrate(document: Value) -> Result<Value, Refusal> {
    let Value::Object(fields) = &document else {
        return Err(Refusal::Damaged("it is not a JSON object".into()));
    };
    let format = match fields.get("format") {
        None => 1,
        Some(f) => f.as_u64().filter(|f| *f >= 1).ok_or_else(|| {
            Refusal::Damaged(format!("its \"format\" is {f}, not a format number"))
        })?,
    };
    if format > FORMAT {
        return Err(Refusal::Newer(format));
    }
    // No older formats exist yet: format 1 is the current one.
    Ok(document)
}

/// Reads a document already in the current format, entry by entry.
fn read_current(mut document: Value) -> Loaded {
    let open = document
        .get("open")
        .and_then(Value::as_u64)
        .and_then(|id| EntryId::try_from(id).ok());
    let raw_entries = match document.get_mut("dashboards").map(Value::take) {
        None => Vec::new(),
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Loaded {
                library: Library::default(),
                problems: vec![format!(
                    "The saved dashboards could not be read: \"dashboards\" is not a list. The saved text is kept aside unchanged; this page starts afresh."
                )],
                writable: true,
                set_aside: Some(document_with(document, other)),
            };
        }
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut unreadable = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in raw_entries.into_iter().enumerate() {
        match read_entry(raw.clone()) {
            Ok(mut entry) => {
                // Hand-edited ids may repeat: the later one gets a new id.
                if entries.iter().any(|e| e.id == entry.id) {
                    entry.id = entries
                        .iter()
                        .map(|e| e.id)
                        .max()
                        .unwrap_or(0)
                        .saturating_add(1);
                }
                entries.push(entry);
            }
            Err(why) => {
                problems.push(format!(
                    "Saved dashboard {}{} could not be read and is kept unchanged in storage: {why}",
                    index + 1,
                    raw.pointer("/dashboard/title")
                        .and_then(Value::as_str)
                        .map(|t| format!(" ({t:?})"))
                        .unwrap_or_default()
                ));
                unreadable.push(raw);
            }
        }
    }
    let mut library = Library::from_entries(entries, open);
    library.unreadable = unreadable;
    Loaded {
        library,
        problems,
        writable: true,
        set_aside: None,
    }
}

/// Puts a taken field back, to set aside the document as it was.
fn document_with(mut document: Value, dashboards: Value) -> String {
    if let Some(fields) = document.as_object_mut() {
        fields.insert("dashboards".into(), dashboards);
    }
    document.to_string()
}

fn read_entry(raw: Value) -> Result<Entry, String> {
    let Value::Object(mut fields) = raw else {
        return Err("it is not a JSON object".into());
    };
    let id = fields
        .get("id")
        .and_then(Value::as_u64)
        .and_then(|id| EntryId::try_from(id).ok())
        .filter(|id| *id > 0)
        .ok_or("\"id\" is missing or not a positive whole number")?;
    let origin = match fields.get("origin").and_then(Value::as_str) {
        None | Some("user") => Origin::User,
        Some("builtin") => Origin::Builtin,
        Some("startup") => Origin::Startup,
        Some(other) => return Err(format!("unknown \"origin\" {other:?}")),
    };
    let dashboard = fields
        .remove("dashboard")
        .ok_or("\"dashboard\" is missing")
        .map_err(str::to_owned)
        .and_then(|d| read_dashboard(d).map_err(|e| format!("dashboard: {e}")))?;
    let profile = match fields.remove("connection") {
        None => Profile::default(),
        Some(p) => serde_json::from_value(p).map_err(|e| format!("connection: {e}"))?,
    };
    Ok(Entry {
        id,
        dashboard,
        profile,
        origin,
        saved: true,
    })
}

/// The document to save: every saved dashboard (not those opened from a link and not
/// kept), then the unreadable entries as they were.
pub fn save(library: &Library) -> String {
    let mut dashboards: Vec<Value> = library
        .entries()
        .iter()
        .filter(|e| e.saved)
        .map(|e| {
            json!({
                "id": e.id,
                "origin": origin_tag(e.origin),
                "dashboard": e.dashboard,
                "connection": e.profile,
            })
        })
        .collect();
    dashboards.extend(library.unreadable.iter().cloned());
    // The open dashboard is remembered only if it is saved itself.
    let open = Some(library.open_entry())
        .filter(|e| e.saved)
        .map(|e| e.id)
        .or_else(|| library.entries().iter().find(|e| e.saved).map(|e| e.id));
    json!({ "format": FORMAT, "open": open, "dashboards": dashboards }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ConnectionSettings;
    use crate::dashboards::demo_dashboard;

    fn library_with_two() -> Library {
        let mut library = Library::default();
        let mut form = ConnectionSettings {
            broker_url: "ws://127.0.0.1:9001".into(),
            password: "forget-me".into(),
            ..ConnectionSettings::default()
        };
        library.set_profile(1, Profile::from_form(&form, false));
        library.create("Garden").unwrap();
        form.password = "keep-me".into();
        library.set_profile(2, Profile::from_form(&form, true));
        library
    }

    #[test]
    fn nothing_saved_opens_the_demo_dashboard() {
        let loaded = load(None);
        assert_eq!(loaded.library, Library::default());
        assert!(loaded.problems.is_empty() && loaded.writable);
    }

    #[test]
    fn a_saved_library_reads_back_the_same() {
        let library = library_with_two();
        let loaded = load(Some(&save(&library)));
        assert_eq!(loaded.problems, Vec::<String>::new());
        assert_eq!(loaded.library, library);
        assert_eq!(loaded.library.open_entry().dashboard.title, "Garden");
    }

    #[test]
    fn only_a_remembered_password_is_saved() {
        let text = save(&library_with_two());
        assert!(!text.contains("forget-me"), "{text}");
        assert!(text.contains("keep-me"), "{text}");
    }

    #[test]
    fn a_dashboard_from_a_link_is_not_saved_until_kept() {
        let mut library = Library::default();
        let id = library.add(demo_dashboard(), Profile::default(), Origin::User, false);
        let loaded = load(Some(&save(&library)));
        assert_eq!(loaded.library.entries().len(), 1);
        assert_eq!(loaded.library.open_id(), 1, "the open one was not saved");
        library.keep(id);
        assert_eq!(load(Some(&save(&library))).library.entries().len(), 2);
    }

    #[test]
    fn a_bad_entry_is_reported_kept_unchanged_and_the_others_load() {
        let mut document: Value = serde_json::from_str(&save(&library_with_two())).unwrap();
        let bad = json!({ "id": 7, "dashboard": { "version": 1, "title": "Broken",
            "blocks": [ { "title": "X", "type": "teleporter" } ] } });
        document["dashboards"]
            .as_array_mut()
            .unwrap()
            .insert(0, bad.clone());
        let loaded = load(Some(&document.to_string()));
        assert_eq!(loaded.library.entries().len(), 2);
        assert_eq!(loaded.problems.len(), 1);
        let problem = &loaded.problems[0];
        assert!(
            problem.starts_with(r#"Saved dashboard 1 ("Broken") could not be read and is kept unchanged in storage: dashboard: it is not a valid dashboard: block 1 ("X"): unknown variant `teleporter`"#),
            "{problem}"
        );
        // Saving again writes the broken entry back as it was.
        let again: Value = serde_json::from_str(&save(&loaded.library)).unwrap();
        assert!(again["dashboards"].as_array().unwrap().contains(&bad));
    }

    #[test]
    fn entries_that_are_not_objects_or_lack_an_id_are_reported_by_position() {
        let text = r#"{"format":1,"dashboards":[42,{"dashboard":{"version":1,"title":"No id","blocks":[]}}]}"#;
        let loaded = load(Some(text));
        assert_eq!(
            loaded.problems,
            vec![
                "Saved dashboard 1 could not be read and is kept unchanged in storage: it is not a JSON object".to_string(),
                r#"Saved dashboard 2 ("No id") could not be read and is kept unchanged in storage: "id" is missing or not a positive whole number"#.to_string(),
            ]
        );
        assert_eq!(loaded.library.open_entry().dashboard, demo_dashboard());
        assert_eq!(loaded.library.unreadable.len(), 2);
    }

    #[test]
    fn a_stored_dashboard_with_an_invalid_topic_still_loads_for_its_other_blocks() {
        // The block is reported when its feed is bound, as for `feedboard.json`.
        let text = r#"{"format":1,"dashboards":[{"id":1,"dashboard":{"version":1,"title":"T","blocks":[
            {"title":"Temp","type":"value","topic":"a/#/b"}]}}]}"#;
        let loaded = load(Some(text));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.library.open_entry().dashboard.blocks.len(), 1);
    }

    #[test]
    fn repeated_ids_from_hand_editing_are_made_unique() {
        let text = r#"{"dashboards":[
            {"id":3,"dashboard":{"version":1,"title":"A","blocks":[]}},
            {"id":3,"dashboard":{"version":1,"title":"B","blocks":[]}}]}"#;
        let loaded = load(Some(text));
        let ids: Vec<EntryId> = loaded.library.entries().iter().map(|e| e.id).collect();
        assert_eq!(ids, vec![3, 4]);
    }

    #[test]
    fn a_hand_written_document_without_format_or_connection_reads_as_format_1() {
        let text =
            r#"{"dashboards":[{"id":1,"dashboard":{"version":1,"title":"Mine","blocks":[]}}]}"#;
        let loaded = load(Some(text));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.library.open_entry().dashboard.title, "Mine");
        assert_eq!(loaded.library.open_entry().profile, Profile::default());
    }

    #[test]
    fn a_document_from_a_newer_version_is_read_only() {
        let loaded = load(Some(r#"{"format":2,"dashboards":"something new"}"#));
        assert!(!loaded.writable);
        assert!(loaded.problems[0].contains("newer version of Feedboard (format 2"));
        assert_eq!(loaded.library, Library::default());
        assert_eq!(migrate(json!({"format": 9})), Err(Refusal::Newer(9)));
    }

    #[test]
    fn damaged_documents_are_set_aside_and_the_page_starts_afresh() {
        for text in [
            "{\"format\":1,",
            "[1,2]",
            r#"{"format":"one"}"#,
            r#"{"format":1,"dashboards":{"id":1}}"#,
            "",
        ] {
            let loaded = load(Some(text));
            assert!(loaded.writable, "{text}");
            assert!(loaded.set_aside.is_some(), "{text}");
            assert!(
                loaded.problems[0].starts_with("The saved dashboards could not be read: "),
                "{text}: {:?}",
                loaded.problems
            );
            assert_eq!(loaded.library, Library::default());
        }
    }

    #[test]
    fn a_saved_open_id_that_no_longer_exists_opens_the_first() {
        let text = r#"{"format":1,"open":99,"dashboards":[{"id":5,"dashboard":{"version":1,"title":"A","blocks":[]}}]}"#;
        assert_eq!(load(Some(text)).library.open_id(), 5);
    }
}
