//! The user's dashboards, each with its own connection profile, and which one is open:
//! plain data with the operations the page offers (create, rename, delete, import, open),
//! tested without a browser. Saving is [`super::stored`]'s job.

use super::model::SCHEMA_VERSION;
use super::{demo_dashboard, Dashboard, Profile};

/// Identifies a dashboard in the library for as long as it exists (also across
/// reloads: saved with it).
pub type EntryId = u32;

/// Where a dashboard came from, when the page may need to find it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Made, imported or saved from a link by the user.
    User,
    /// The built-in demo dashboard.
    Builtin,
    /// The site's `feedboard.json`: replaced when the site's file changes.
    Startup,
}

/// One dashboard and how to connect for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable id.
    pub id: EntryId,
    /// The blocks; its title is the dashboard's name in the list.
    pub dashboard: Dashboard,
    /// The connection form's values for this dashboard.
    pub profile: Profile,
    /// Where it came from.
    pub origin: Origin,
    /// False for a dashboard opened from a shared link and not saved (yet): it is never
    /// written to storage.
    pub saved: bool,
}

/// The dashboards, in list order, and the open one.
#[derive(Debug, Clone, PartialEq)]
pub struct Library {
    entries: Vec<Entry>,
    open: EntryId,
    /// Saved entries this version could not read, kept as they were so that saving
    /// the others never deletes them.
    pub unreadable: Vec<serde_json::Value>,
}

/// The longest dashboard name accepted from the form, in characters.
pub const MAX_NAME_CHARS: usize = 120;

impl Default for Library {
    /// The built-in demo dashboard alone, open.
    fn default() -> Self {
        Self::from_entries(Vec::new(), None)
    }
}

impl Library {
    /// A library of `entries` (ids must be unique: see [`super::stored`]), opening
    /// `open` when it exists, else the first. Empty: the demo dashboard.
    pub fn from_entries(mut entries: Vec<Entry>, open: Option<EntryId>) -> Self {
        if entries.is_empty() {
            entries.push(Entry {
                id: 1,
                dashboard: demo_dashboard(),
                profile: Profile::default(),
                origin: Origin::Builtin,
                saved: true,
            });
        }
        let open = open
            .filter(|id| entries.iter().any(|e| e.id == *id))
            .unwrap_or(entries[0].id);
        Self {
            entries,
            open,
            unreadable: Vec::new(),
        }
    }

    /// Every dashboard, in list order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The open dashboard's id.
    pub fn open_id(&self) -> EntryId {
        self.open
    }

    /// The open dashboard (there always is one).
    pub fn open_entry(&self) -> &Entry {
        self.entry(self.open)
            .or_else(|| self.entries.first())
            .expect("a library always holds at least one dashboard")
    }

    /// The dashboard with this id.
    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Opens `id`; false when there is no such dashboard.
    pub fn open(&mut self, id: EntryId) -> bool {
        let exists = self.entry(id).is_some();
        if exists {
            self.open = id;
        }
        exists
    }

    /// Adds an empty dashboard named `name` after the others, with the open one's
    /// broker (most people have one broker) but no credentials, and opens it.
    pub fn create(&mut self, name: &str) -> Result<EntryId, String> {
        let title = check_name(name)?;
        let broker = self.open_entry().profile.broker_url.clone();
        let dashboard = Dashboard {
            version: SCHEMA_VERSION,
            title,
            blocks: Vec::new(),
            history: Default::default(),
            alerts: Vec::new(),
        };
        Ok(self.add(dashboard, Profile::for_broker(&broker), Origin::User, true))
    }

    /// Adds `dashboard` (imported, or from a link) with `profile`, and opens it.
    pub fn add(
        &mut self,
        dashboard: Dashboard,
        profile: Profile,
        origin: Origin,
        saved: bool,
    ) -> EntryId {
        let id = self.next_id();
        self.entries.push(Entry {
            id,
            dashboard,
            profile,
            origin,
            saved,
        });
        self.open = id;
        id
    }

    /// Renames dashboard `id`.
    pub fn rename(&mut self, id: EntryId, name: &str) -> Result<(), String> {
        let title = check_name(name)?;
        let entry = self
            .entry_mut(id)
            .ok_or("That dashboard no longer exists")?;
        entry.dashboard.title = title;
        Ok(())
    }

    /// Deletes dashboard `id`, opening its neighbour if it was open. The last
    /// dashboard cannot be deleted: the page always shows one.
    pub fn delete(&mut self, id: EntryId) -> Result<(), String> {
        if self.entries.len() <= 1 {
            return Err("This is the only dashboard: create another one before deleting it".into());
        }
        let index = self
            .entries
            .iter()
            .position(|e| e.id == id)
            .ok_or("That dashboard no longer exists")?;
        self.entries.remove(index);
        if self.open == id {
            self.open = self.entries[index.min(self.entries.len() - 1)].id;
        }
        Ok(())
    }

    /// Marks a dashboard opened from a link as one to keep.
    pub fn keep(&mut self, id: EntryId) {
        if let Some(entry) = self.entry_mut(id) {
            entry.saved = true;
        }
    }

    /// Replaces dashboard `id`'s connection profile (the form changed).
    pub fn set_profile(&mut self, id: EntryId, profile: Profile) {
        if let Some(entry) = self.entry_mut(id) {
            entry.profile = profile;
        }
    }

    /// Applies the site's `feedboard.json` at start: its dashboard (else the built-in
    /// one) is found again or added, gets the file's broker and username when it gives
    /// them, and is opened — as the page did before it could save anything.
    pub fn apply_startup(
        &mut self,
        dashboard: Option<Dashboard>,
        broker: Option<&str>,
        username: Option<&str>,
    ) {
        let (origin, wanted) = match dashboard {
            Some(d) => (Origin::Startup, d),
            None => (Origin::Builtin, demo_dashboard()),
        };
        // A saved copy this version could not read is replaced by the one given now,
        // rather than piling up a new unreadable copy on every visit.
        let tag = origin_tag(origin);
        self.unreadable
            .retain(|raw| raw.get("origin").and_then(serde_json::Value::as_str) != Some(tag));
        let id = match self.entries.iter_mut().find(|e| e.origin == origin) {
            Some(entry) => {
                // The site changed its file: its version wins. The user's own name for
                // the built-in dashboard stays.
                if origin == Origin::Startup {
                    entry.dashboard = wanted;
                }
                entry.id
            }
            None => self.add(wanted, Profile::default(), origin, true),
        };
        if let Some(entry) = self.entry_mut(id) {
            if let Some(broker) = broker {
                entry.profile.broker_url = broker.to_owned();
            }
            if let Some(username) = username {
                entry.profile.username = username.to_owned();
            }
        }
        self.open = id;
    }

    /// Takes the saved dashboards another tab of this site just wrote, so that this
    /// page's next save does not write over them with an older list. This page's
    /// unsaved dashboards (from links) stay, and so does the open one if it still
    /// exists.
    pub fn adopt_saved(&mut self, saved: Library) {
        let open = self.open;
        let open_was_saved = self.entry(open).is_some_and(|e| e.saved);
        let unsaved: Vec<Entry> = self.entries.drain(..).filter(|e| !e.saved).collect();
        let mut next = saved;
        let mut open_now = next.open;
        for mut entry in unsaved {
            let was = entry.id;
            if next.entry(entry.id).is_some() {
                entry.id = next.next_id();
            }
            if was == open {
                open_now = entry.id;
            }
            next.entries.push(entry);
        }
        if open_was_saved && next.entry(open).is_some() {
            open_now = open;
        }
        next.open = open_now;
        *self = next;
    }

    pub(super) fn entry_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    fn next_id(&self) -> EntryId {
        self.entries
            .iter()
            .map(|e| e.id)
            .max()
            .unwrap_or(0)
            .saturating_add(1)
    }
}

/// How an origin is written in storage.
pub fn origin_tag(origin: Origin) -> &'static str {
    match origin {
        Origin::User => "user",
        Origin::Builtin => "builtin",
        Origin::Startup => "startup",
    }
}

/// A dashboard name from the form: trimmed, not empty, not absurdly long.
fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Give the dashboard a name".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A name may be at most {MAX_NAME_CHARS} characters long"
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_library_holds_the_demo_dashboard_open() {
        let library = Library::default();
        assert_eq!(library.entries().len(), 1);
        assert_eq!(library.open_entry().dashboard, demo_dashboard());
        assert_eq!(library.open_entry().origin, Origin::Builtin);
    }

    #[test]
    fn a_new_dashboard_is_empty_named_opened_and_gets_the_broker_but_no_password() {
        let mut library = Library::default();
        let mut profile = Profile::for_broker("wss://b.example/mqtt");
        profile.username = "alice".into();
        profile.remember_password = true;
        profile.password = Some("pw".into());
        library.set_profile(1, profile);

        let id = library.create("  Garden ").unwrap();
        let entry = library.open_entry();
        assert_eq!(entry.id, id);
        assert_eq!(entry.dashboard.title, "Garden");
        assert!(entry.dashboard.blocks.is_empty());
        assert_eq!(entry.profile.broker_url, "wss://b.example/mqtt");
        assert_eq!(entry.profile.password, None);
        assert_eq!(entry.profile.username, "");
    }

    #[test]
    fn names_must_not_be_empty_or_too_long() {
        let mut library = Library::default();
        assert_eq!(
            library.create("   "),
            Err("Give the dashboard a name".into())
        );
        assert!(library.rename(1, &"x".repeat(121)).is_err());
        assert_eq!(library.entries().len(), 1);
    }

    #[test]
    fn rename_changes_only_the_title() {
        let mut library = Library::default();
        library.rename(1, "Home").unwrap();
        assert_eq!(library.open_entry().dashboard.title, "Home");
        assert_eq!(
            library.open_entry().dashboard.blocks,
            demo_dashboard().blocks
        );
    }

    #[test]
    fn deleting_the_open_dashboard_opens_its_neighbour_and_the_last_one_stays() {
        let mut library = Library::default();
        let a = library.create("A").unwrap();
        let b = library.create("B").unwrap();
        library.open(a);
        library.delete(a).unwrap();
        assert_eq!(library.open_id(), b);
        library.delete(1).unwrap();
        assert!(library.delete(b).is_err(), "the last dashboard is kept");
        assert_eq!(library.entries().len(), 1);
    }

    #[test]
    fn ids_are_never_reused_while_their_neighbours_live() {
        let mut library = Library::default();
        let a = library.create("A").unwrap();
        let b = library.create("B").unwrap();
        library.delete(a).unwrap();
        let c = library.create("C").unwrap();
        assert!(c > b);
    }

    #[test]
    fn the_startup_dashboard_is_added_once_and_replaced_when_the_site_changes_it() {
        let mut site = demo_dashboard();
        site.title = "Site".into();
        let mut library = Library::default();
        library.apply_startup(Some(site.clone()), Some("ws://site:9001"), Some("bob"));
        assert_eq!(library.entries().len(), 2);
        assert_eq!(library.open_entry().dashboard.title, "Site");
        assert_eq!(library.open_entry().profile.broker_url, "ws://site:9001");
        assert_eq!(library.open_entry().profile.username, "bob");

        site.title = "Site v2".into();
        library.open(1);
        library.apply_startup(Some(site), None, None);
        assert_eq!(library.entries().len(), 2);
        assert_eq!(library.open_entry().dashboard.title, "Site v2");
        assert_eq!(library.open_entry().profile.broker_url, "ws://site:9001");
    }

    #[test]
    fn a_startup_file_without_a_dashboard_opens_the_builtin_one_keeping_its_new_name() {
        let mut library = Library::default();
        library.rename(1, "My demo").unwrap();
        let other = library.create("Other").unwrap();
        assert_eq!(library.open_id(), other);
        library.apply_startup(None, Some("ws://127.0.0.1:9001"), None);
        assert_eq!(library.open_id(), 1);
        assert_eq!(library.open_entry().dashboard.title, "My demo");
        assert_eq!(
            library.open_entry().profile.broker_url,
            "ws://127.0.0.1:9001"
        );

        library.delete(1).unwrap();
        library.apply_startup(None, None, None);
        assert_eq!(library.open_entry().dashboard, demo_dashboard(), "re-added");
    }

    #[test]
    fn dashboards_saved_by_another_tab_are_taken_keeping_this_pages_unsaved_and_open_ones() {
        let mut here = Library::default();
        let mine = here.create("Mine").unwrap();
        let mut linked = demo_dashboard();
        linked.title = "From a link".into();
        let link = here.add(linked, Profile::default(), Origin::User, false);

        // The other tab made "Theirs" (also id 2: it did not know of "Mine" yet) and
        // renamed the demo.
        let mut there = Library::default();
        there.create("Theirs").unwrap();
        there.rename(1, "Renamed there").unwrap();
        here.open(mine);
        here.adopt_saved(there.clone());
        let titles: Vec<&str> = here
            .entries()
            .iter()
            .map(|e| e.dashboard.title.as_str())
            .collect();
        assert_eq!(titles, ["Renamed there", "Theirs", "From a link"]);
        assert_eq!(here.open_id(), 2, "id 2 exists there: it stays open");

        let mut here = Library::default();
        here.add(demo_dashboard(), Profile::default(), Origin::User, false);
        assert_eq!(link, 3);
        here.adopt_saved(there);
        assert!(
            !here.open_entry().saved,
            "the unsaved one stays open under a new id"
        );
        assert_eq!(here.open_entry().id, 3);
    }

    #[test]
    fn an_unreadable_saved_copy_of_the_site_dashboard_is_replaced_not_piled_up() {
        let mut library = Library::default();
        let broken = serde_json::json!({"id": 9, "origin": "startup", "dashboard": 1});
        let users = serde_json::json!({"id": 8, "origin": "user", "dashboard": 1});
        library.unreadable = vec![broken, users.clone()];
        library.apply_startup(Some(demo_dashboard()), None, None);
        assert_eq!(library.unreadable, vec![users]);
    }
}
