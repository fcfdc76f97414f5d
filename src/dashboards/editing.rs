//! Changing a dashboard's blocks: what the block wizard and the layout editor do, as
//! plain operations on the library, tested without a browser.
//!
//! Every change keeps the rule that a dashboard that exists is a valid one: a block is
//! checked as an imported one would be before it goes in.

use super::history_settings::HistorySettings;
use super::library::{EntryId, Library, Origin};
use super::model::{Block, Dashboard, MAX_COLUMNS};
use super::validate;
use crate::alerts::rule::MAX_RULES;
use crate::alerts::AlertRule;

/// The most blocks one dashboard holds: far more than a screen shows, and a bound on
/// what a page binds and draws.
pub const MAX_BLOCKS: usize = 200;

impl Library {
    /// Appends `block` to dashboard `id`; returns its position.
    pub fn add_block(&mut self, id: EntryId, block: Block) -> Result<usize, String> {
        check(&block)?;
        let dashboard = self.dashboard_to_edit(id)?;
        if dashboard.blocks.len() >= MAX_BLOCKS {
            return Err(format!(
                "A dashboard holds at most {MAX_BLOCKS} blocks; this one is full"
            ));
        }
        dashboard.blocks.push(block);
        Ok(dashboard.blocks.len() - 1)
    }

    /// Replaces block `index` of dashboard `id` with `block` (the wizard's edit).
    pub fn replace_block(&mut self, id: EntryId, index: usize, block: Block) -> Result<(), String> {
        check(&block)?;
        let slot = self
            .dashboard_to_edit(id)?
            .blocks
            .get_mut(index)
            .ok_or(NO_SUCH_BLOCK)?;
        *slot = block;
        Ok(())
    }

    /// Removes block `index` of dashboard `id` and gives it back (to undo with).
    pub fn remove_block(&mut self, id: EntryId, index: usize) -> Result<Block, String> {
        let blocks = &mut self.dashboard_to_edit(id)?.blocks;
        if index >= blocks.len() {
            return Err(NO_SUCH_BLOCK.into());
        }
        Ok(blocks.remove(index))
    }

    /// Moves block `index` of dashboard `id` to position `to` (clamped to the ends),
    /// the others keeping their order; returns where it landed.
    pub fn move_block(&mut self, id: EntryId, index: usize, to: usize) -> Result<usize, String> {
        let blocks = &mut self.dashboard_to_edit(id)?.blocks;
        if index >= blocks.len() {
            return Err(NO_SUCH_BLOCK.into());
        }
        let to = to.min(blocks.len() - 1);
        let block = blocks.remove(index);
        blocks.insert(to, block);
        Ok(to)
    }

    /// Sets how much history dashboard `id` keeps in the browser.
    pub fn set_history(&mut self, id: EntryId, settings: HistorySettings) -> Result<(), String> {
        if let Some(problem) = settings.problems().into_iter().next() {
            return Err(problem);
        }
        self.dashboard_to_edit(id)?.history = settings;
        Ok(())
    }

    /// Sets how many grid columns block `index` of dashboard `id` spans (`None`: its
    /// kind's default).
    pub fn set_block_columns(
        &mut self,
        id: EntryId,
        index: usize,
        columns: Option<u8>,
    ) -> Result<(), String> {
        if let Some(c) = columns.filter(|c| !(1..=MAX_COLUMNS).contains(c)) {
            return Err(format!("columns: 1 to {MAX_COLUMNS}, got {c}"));
        }
        let block = self
            .dashboard_to_edit(id)?
            .blocks
            .get_mut(index)
            .ok_or(NO_SUCH_BLOCK)?;
        block.columns = columns;
        Ok(())
    }

    /// Appends alert `rule` to dashboard `id`; returns its position.
    pub fn add_alert(&mut self, id: EntryId, rule: AlertRule) -> Result<usize, String> {
        check_rule(&rule)?;
        let alerts = &mut self.dashboard_to_edit(id)?.alerts;
        if alerts.len() >= MAX_RULES {
            return Err(format!(
                "A dashboard holds at most {MAX_RULES} alerts; this one is full"
            ));
        }
        alerts.push(rule);
        Ok(alerts.len() - 1)
    }

    /// Replaces alert `index` of dashboard `id` with `rule`.
    pub fn replace_alert(
        &mut self,
        id: EntryId,
        index: usize,
        rule: AlertRule,
    ) -> Result<(), String> {
        check_rule(&rule)?;
        let slot = self
            .dashboard_to_edit(id)?
            .alerts
            .get_mut(index)
            .ok_or(NO_SUCH_ALERT)?;
        *slot = rule;
        Ok(())
    }

    /// Removes alert `index` of dashboard `id`.
    pub fn remove_alert(&mut self, id: EntryId, index: usize) -> Result<AlertRule, String> {
        let alerts = &mut self.dashboard_to_edit(id)?.alerts;
        if index >= alerts.len() {
            return Err(NO_SUCH_ALERT.into());
        }
        Ok(alerts.remove(index))
    }

    /// Dashboard `id`, about to be changed by the user. A copy of the site's
    /// `feedboard.json` becomes the user's own: the site's file would otherwise replace
    /// it, edits and all, at the next start (it is added again then, beside it).
    fn dashboard_to_edit(&mut self, id: EntryId) -> Result<&mut Dashboard, String> {
        let entry = self
            .entry_mut(id)
            .ok_or("That dashboard no longer exists")?;
        if entry.origin == Origin::Startup {
            entry.origin = Origin::User;
        }
        Ok(&mut entry.dashboard)
    }
}

const NO_SUCH_BLOCK: &str = "That block no longer exists (changed in another tab?)";
const NO_SUCH_ALERT: &str = "That alert no longer exists (changed in another tab?)";

fn check_rule(rule: &AlertRule) -> Result<(), String> {
    match rule.problems().into_iter().next() {
        Some(problem) => Err(format!("Alert {:?}: {problem}", rule.name)),
        None => Ok(()),
    }
}

fn check(block: &Block) -> Result<(), String> {
    let problems = validate::all_block_problems(block);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(title: &str, topic: &str) -> Block {
        serde_json::from_value(serde_json::json!({
            "type": "value", "title": title, "topic": topic
        }))
        .unwrap()
    }

    fn library_with(titles: &[&str]) -> (Library, EntryId) {
        let mut library = Library::default();
        let id = library.create("Test").unwrap();
        for title in titles {
            library.add_block(id, value(title, "t")).unwrap();
        }
        (library, id)
    }

    fn titles(library: &Library, id: EntryId) -> Vec<String> {
        let entry = library.entry(id).unwrap();
        entry
            .dashboard
            .blocks
            .iter()
            .map(|b| b.title.clone())
            .collect()
    }

    #[test]
    fn blocks_are_added_replaced_and_removed_in_place() {
        let (mut library, id) = library_with(&["a", "b", "c"]);
        library.replace_block(id, 1, value("B", "u")).unwrap();
        assert_eq!(titles(&library, id), ["a", "B", "c"]);
        let removed = library.remove_block(id, 0).unwrap();
        assert_eq!(removed.title, "a");
        assert_eq!(titles(&library, id), ["B", "c"]);
        assert!(library.remove_block(id, 5).is_err());
        assert!(library.replace_block(id, 5, value("x", "t")).is_err());
    }

    #[test]
    fn moving_keeps_the_others_in_order_and_clamps_to_the_ends() {
        let (mut library, id) = library_with(&["a", "b", "c", "d"]);
        assert_eq!(library.move_block(id, 0, 2), Ok(2));
        assert_eq!(titles(&library, id), ["b", "c", "a", "d"]);
        assert_eq!(library.move_block(id, 1, 99), Ok(3));
        assert_eq!(titles(&library, id), ["b", "a", "d", "c"]);
        assert_eq!(library.move_block(id, 3, 0), Ok(0));
        assert_eq!(titles(&library, id), ["c", "b", "a", "d"]);
        assert!(library.move_block(id, 4, 0).is_err());
    }

    #[test]
    fn a_block_is_made_wider_within_the_grid() {
        let (mut library, id) = library_with(&["a"]);
        library.set_block_columns(id, 0, Some(3)).unwrap();
        assert_eq!(
            library.entry(id).unwrap().dashboard.blocks[0].columns,
            Some(3)
        );
        assert!(library.set_block_columns(id, 0, Some(9)).is_err());
        assert!(library.set_block_columns(id, 0, Some(0)).is_err());
        library.set_block_columns(id, 0, None).unwrap();
        assert_eq!(library.entry(id).unwrap().dashboard.blocks[0].columns, None);
    }

    #[test]
    fn an_invalid_block_is_refused_and_nothing_changes() {
        let (mut library, id) = library_with(&["a"]);
        let before = library.clone();
        let bad = value("bad", "a/#/b");
        let err = library.add_block(id, bad.clone()).unwrap_err();
        assert!(err.contains("a/#/b"), "{err}");
        assert!(library.replace_block(id, 0, bad).is_err());
        assert_eq!(library, before);
    }

    #[test]
    fn a_full_dashboard_refuses_another_block() {
        let (mut library, id) = library_with(&[]);
        for i in 0..MAX_BLOCKS {
            library.add_block(id, value(&i.to_string(), "t")).unwrap();
        }
        let err = library.add_block(id, value("one more", "t")).unwrap_err();
        assert!(err.contains("at most 200"), "{err}");
    }

    #[test]
    fn editing_the_sites_dashboard_makes_it_the_users_own() {
        let mut library = Library::default();
        let site = crate::dashboards::Dashboard {
            version: 1,
            title: "Site".into(),
            blocks: vec![value("a", "t")],
            history: Default::default(),
            alerts: Vec::new(),
        };
        library.apply_startup(Some(site.clone()), None, None);
        let id = library.open_id();
        library.add_block(id, value("mine", "t")).unwrap();
        assert_eq!(library.entry(id).unwrap().origin, Origin::User);
        // Next start: the site's file is added again, the edited copy stays.
        library.apply_startup(Some(site), None, None);
        assert_ne!(library.open_id(), id);
        assert_eq!(titles(&library, id), ["a", "mine"]);
    }

    #[test]
    fn alerts_are_added_replaced_and_removed_and_a_bad_one_is_refused() {
        let (mut library, id) = library_with(&["A"]);
        let rule = |json| serde_json::from_value::<AlertRule>(json).unwrap();
        let low = rule(serde_json::json!({ "name": "Low", "topic": "t", "below": 1 }));
        assert_eq!(library.add_alert(id, low.clone()), Ok(0));
        let bad = rule(serde_json::json!({ "name": "Bad", "topic": "t/#/x", "below": 1 }));
        assert!(library
            .add_alert(id, bad.clone())
            .unwrap_err()
            .contains("topic:"));
        assert!(library.replace_alert(id, 0, bad).is_err());
        let high = rule(serde_json::json!({ "name": "High", "topic": "t", "above": 9 }));
        library.replace_alert(id, 0, high.clone()).unwrap();
        assert_eq!(
            library.entry(id).unwrap().dashboard.alerts,
            vec![high.clone()]
        );
        assert!(library.replace_alert(id, 3, low).is_err());
        assert_eq!(library.remove_alert(id, 0), Ok(high));
        assert!(library.remove_alert(id, 0).is_err());
    }
}
