//! The one handle the page's parts get to the user's dashboards: read the library,
//! change it, and learn whether opening another dashboard should connect it.

use leptos::prelude::*;

use crate::connection::{ConnectionSettings, ConnectionStatus};
use crate::dashboards::{EntryId, Library, Profile};

/// Cheap to copy into closures. Saving is not its job: the workspace saves whatever
/// the library becomes.
#[derive(Clone, Copy)]
pub struct Dashboards {
    library: RwSignal<Library>,
    /// The open dashboard's connection status, mirrored by its view, so that the top
    /// bar shows it and switching knows whether to connect the next one.
    pub status: RwSignal<ConnectionStatus>,
    /// How many of the open dashboard's alerts ask for attention, mirrored like
    /// `status` for the top bar (where a phone keeps it in view).
    pub alerts_needing_attention: RwSignal<usize>,
    /// Connect the dashboard that opens next (set when the one it replaces was live).
    connect_next: StoredValue<bool>,
    /// Each dashboard's password as last typed, in memory only, so that switching
    /// back and forth does not ask for it again; remembered ones are in the profile.
    passwords: StoredValue<Vec<(EntryId, String)>>,
}

impl Dashboards {
    /// A handle to `library`; `connect_first` connects the dashboard opened first.
    pub fn new(library: Library, connect_first: bool) -> Self {
        Self {
            library: RwSignal::new(library),
            status: RwSignal::new(ConnectionStatus::Disconnected),
            alerts_needing_attention: RwSignal::new(0),
            connect_next: StoredValue::new(connect_first),
            passwords: StoredValue::new(Vec::new()),
        }
    }

    /// Reads the library, tracking it.
    pub fn with<R>(&self, f: impl FnOnce(&Library) -> R) -> R {
        self.library.with(f)
    }

    /// Reads the library without tracking it.
    pub fn with_untracked<R>(&self, f: impl FnOnce(&Library) -> R) -> R {
        self.library.with_untracked(f)
    }

    /// Changes the library. When that opens another dashboard while this one is
    /// connected (or trying), the next one connects too: the connection follows the
    /// dashboard the user looks at.
    pub fn edit(&self, f: impl FnOnce(&mut Library)) {
        let live = self.status.get_untracked() != ConnectionStatus::Disconnected;
        let connect_next = self.connect_next;
        self.library.update(|library| {
            let before = library.open_id();
            f(library);
            if library.open_id() != before && live {
                connect_next.set_value(true);
            }
        });
    }

    /// Keeps the form's values for dashboard `id`: the profile (saved), and the
    /// password in memory. Notifies only when the profile changed (the form reports on
    /// every keystroke, and on its first render).
    pub fn set_form(&self, id: EntryId, settings: &ConnectionSettings, remember: bool) {
        self.passwords.update_value(|passwords| {
            passwords.retain(|(entry, _)| *entry != id);
            if !settings.password.is_empty() {
                passwords.push((id, settings.password.clone()));
            }
        });
        self.set_profile(id, Profile::from_form(settings, remember));
    }

    /// The form's values to open dashboard `id` with: its profile, and the password
    /// typed earlier in this page when the profile does not remember one.
    pub fn form_for(&self, id: EntryId, profile: &Profile) -> ConnectionSettings {
        let mut settings = profile.to_form();
        if settings.password.is_empty() {
            if let Some(password) = self.passwords.with_value(|p| {
                p.iter()
                    .find(|(entry, _)| *entry == id)
                    .map(|(_, pw)| pw.clone())
            }) {
                settings.password = password;
            }
        }
        settings
    }

    fn set_profile(&self, id: EntryId, profile: Profile) {
        let same = self
            .library
            .with_untracked(|l| l.entry(id).is_some_and(|e| e.profile == profile));
        if !same {
            self.library.update(|l| l.set_profile(id, profile));
        }
    }

    /// Whether the dashboard opening now should connect; asking clears it.
    pub fn take_connect_next(&self) -> bool {
        let next = self.connect_next.get_value();
        self.connect_next.set_value(false);
        next
    }
}
