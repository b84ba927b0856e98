//! The snapshot table: time, id, host, tags, files, size added; sortable by any
//! column, rows selectable for "Forget selected". It stays smooth with tens of
//! thousands of snapshots because the texts of a row are formatted once, when
//! the list arrives, and only the rows in view are built (the rest of the list
//! is empty space of the right height inside the scrollable).

use std::collections::BTreeSet;

use iced::{
    Element, Length,
    widget::{Space, button, column, container, row, scrollable, text},
};

use super::theme;
use crate::{engine::SnapshotInfo, humanize};

/// Height of one row, in logical pixels (fixed, so the rows in view follow from the offset).
pub const ROW_HEIGHT: f32 = 30.0;
/// Rows built beyond the visible ones, above and below, so fast scrolling never shows a gap.
const OVERSCAN: usize = 8;

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Time,
    Id,
    Host,
    Tags,
    Files,
    Added,
}

impl Column {
    pub const ALL: [Column; 6] = [
        Column::Time,
        Column::Id,
        Column::Host,
        Column::Tags,
        Column::Files,
        Column::Added,
    ];

    pub fn title(self) -> String {
        match self {
            Column::Time => crate::t!("column-time"),
            Column::Id => crate::t!("column-id"),
            Column::Host => crate::t!("column-host"),
            Column::Tags => crate::t!("column-tags"),
            Column::Files => crate::t!("column-files"),
            Column::Added => crate::t!("column-added"),
        }
    }

    fn width(self) -> Length {
        match self {
            Column::Time => Length::FillPortion(5),
            Column::Id => Length::FillPortion(3),
            Column::Host => Length::FillPortion(4),
            Column::Tags => Length::FillPortion(4),
            Column::Files => Length::FillPortion(3),
            Column::Added => Length::FillPortion(3),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Sort(Column),
    Toggle(String),
    Scrolled(scrollable::Viewport),
}

/// One snapshot, with its cells already formatted.
#[derive(Debug, Clone)]
pub struct Row {
    pub info: SnapshotInfo,
    time: String,
    tags: String,
    files: String,
    added: String,
}

impl Row {
    fn new(info: SnapshotInfo) -> Row {
        Row {
            time: humanize::local_time(&info.time),
            tags: info.tags.join(", "),
            files: info.files.map(group_digits).unwrap_or_default(),
            added: info.data_added.map(humanize::size).unwrap_or_default(),
            info,
        }
    }

    fn cell(&self, c: Column) -> &str {
        match c {
            Column::Time => &self.time,
            Column::Id => &self.info.short_id,
            Column::Host => &self.info.host,
            Column::Tags => &self.tags,
            Column::Files => &self.files,
            Column::Added => &self.added,
        }
    }
}

/// The table's state.
#[derive(Debug, Clone)]
pub struct SnapshotTable {
    rows: Vec<Row>,
    /// Indices into `rows`, in display order.
    order: Vec<usize>,
    sort: Column,
    descending: bool,
    selected: BTreeSet<String>,
    offset: f32,
    viewport: f32,
}

impl Default for SnapshotTable {
    fn default() -> Self {
        SnapshotTable {
            rows: Vec::new(),
            order: Vec::new(),
            sort: Column::Time,
            descending: true,
            selected: BTreeSet::new(),
            offset: 0.0,
            viewport: 600.0,
        }
    }
}

impl SnapshotTable {
    /// Replaces the rows (a refresh keeps the sort order and the selection of
    /// snapshots that still exist).
    pub fn set(&mut self, snapshots: Vec<SnapshotInfo>) {
        self.rows = snapshots.into_iter().map(Row::new).collect();
        let ids: BTreeSet<&str> = self.rows.iter().map(|r| r.info.id.as_str()).collect();
        self.selected.retain(|id| ids.contains(id.as_str()));
        self.resort();
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The snapshots in display order.
    pub fn rows(&self) -> impl Iterator<Item = &SnapshotInfo> {
        self.order.iter().map(|&i| &self.rows[i].info)
    }

    /// The selected snapshots, in display order.
    pub fn selected(&self) -> Vec<&SnapshotInfo> {
        self.rows()
            .filter(|s| self.selected.contains(&s.id))
            .collect()
    }

    pub fn clear_selection(&mut self) {
        self.selected.clear();
    }

    pub fn sorted_by(&self) -> (Column, bool) {
        (self.sort, self.descending)
    }

    pub fn update(&mut self, message: Message) {
        match message {
            Message::Sort(c) => {
                if self.sort == c {
                    self.descending = !self.descending;
                } else {
                    self.sort = c;
                    // newest, biggest first; names A to Z
                    self.descending = matches!(c, Column::Time | Column::Files | Column::Added);
                }
                self.resort();
            }
            Message::Toggle(id) => {
                if !self.selected.remove(&id) {
                    self.selected.insert(id);
                }
            }
            Message::Scrolled(v) => {
                self.offset = v.absolute_offset().y;
                self.viewport = v.bounds().height;
            }
        }
    }

    fn resort(&mut self) {
        let rows = &self.rows;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let key = self.sort;
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&rows[a].info, &rows[b].info);
            let by = match key {
                // RFC 3339 in UTC sorts as text
                Column::Time => ra.time.cmp(&rb.time),
                Column::Id => ra.id.cmp(&rb.id),
                Column::Host => ra.host.cmp(&rb.host),
                Column::Tags => rows[a].tags.cmp(&rows[b].tags),
                Column::Files => ra.files.cmp(&rb.files),
                Column::Added => ra.data_added.cmp(&rb.data_added),
            };
            by.then_with(|| ra.time.cmp(&rb.time))
        });
        if self.descending {
            order.reverse();
        }
        self.order = order;
    }

    /// The range of display positions to build for the current scroll position.
    pub fn visible(&self) -> std::ops::Range<usize> {
        in_view(self.order.len(), ROW_HEIGHT, self.offset, self.viewport)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let header = row(Column::ALL.iter().map(|&c| {
            let marker = match (self.sort == c, self.descending) {
                (true, true) => " ▼",
                (true, false) => " ▲",
                (false, _) => "",
            };
            button(text(format!("{}{marker}", c.title())).size(13))
                .on_press(Message::Sort(c))
                .style(theme::header_cell)
                .padding([6, 8])
                .width(c.width())
                .into()
        }));
        let header = container(row![Space::new().width(28), header]).style(theme::table_header);

        let body = virtual_rows(self.order.len(), ROW_HEIGHT, self.visible(), |pos| {
            let r = &self.rows[self.order[pos]];
            let selected = self.selected.contains(&r.info.id);
            let cells = row(Column::ALL.iter().map(|&c| {
                container(text(r.cell(c)).size(13))
                    .padding([0, 8])
                    .width(c.width())
                    .clip(true)
                    .into()
            }));
            let tick = text(if selected { "✔" } else { "" })
                .size(13)
                .width(28)
                .center();
            button(
                row![tick, cells]
                    .height(Length::Fill)
                    .align_y(iced::Alignment::Center),
            )
            .on_press(Message::Toggle(r.info.id.clone()))
            .style(theme::table_row(selected, pos % 2 == 1))
            .padding(0)
            .height(ROW_HEIGHT)
            .width(Length::Fill)
            .into()
        });
        column![
            header,
            scrollable(body)
                .on_scroll(Message::Scrolled)
                .height(Length::Fill)
                .width(Length::Fill)
        ]
        .into()
    }
}

/// Of `len` rows `row_height` high, those to build for a list scrolled to `offset`
/// in a `viewport` this high (with `OVERSCAN` rows more on each side).
pub fn in_view(len: usize, row_height: f32, offset: f32, viewport: f32) -> std::ops::Range<usize> {
    let first = ((offset / row_height).floor().max(0.0) as usize).saturating_sub(OVERSCAN);
    let count = (viewport / row_height).ceil() as usize + 2 * OVERSCAN + 1;
    first.min(len)..first.saturating_add(count).min(len)
}

/// The body of a list of `len` rows `row_height` high: the rows of `range`, built
/// by `build`, between empty space of the height of the rows not built, so that
/// the scrollbar is that of the whole list.
pub fn virtual_rows<'a, M: 'a>(
    len: usize,
    row_height: f32,
    range: std::ops::Range<usize>,
    build: impl FnMut(usize) -> Element<'a, M>,
) -> Element<'a, M> {
    let above = range.start as f32 * row_height;
    let below = (len - range.end) as f32 * row_height;
    column![Space::new().height(above)]
        .extend(range.map(build))
        .push(Space::new().height(below))
        .into()
}

/// 12345 → "12,345".
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(i: usize) -> SnapshotInfo {
        SnapshotInfo {
            id: format!("{i:064x}"),
            short_id: format!("{i:08x}"),
            time: format!("2026-01-{:02}T10:00:00Z", 1 + i % 28),
            host: format!("host{}", i % 3),
            username: String::new(),
            paths: vec![],
            tags: vec![],
            files: Some(i as u64 * 10),
            size: None,
            data_added: Some(1_000_000 - i as u64),
            program_version: None,
            backup: None,
        }
    }

    #[test]
    fn sorting_flips_on_the_same_column_and_keeps_the_selection() {
        let mut t = SnapshotTable::default();
        t.set((0..5).map(info).collect());
        assert_eq!(
            t.rows().next().unwrap().short_id,
            "00000004",
            "newest first"
        );
        t.update(Message::Sort(Column::Time));
        assert_eq!(t.rows().next().unwrap().short_id, "00000000");
        t.update(Message::Sort(Column::Added));
        assert_eq!(
            t.rows().next().unwrap().short_id,
            "00000000",
            "most added first"
        );
        t.update(Message::Toggle(format!("{:064x}", 3)));
        t.set((1..5).map(info).collect());
        assert_eq!(t.selected().len(), 1);
        t.set((0..3).map(info).collect());
        assert!(
            t.selected().is_empty(),
            "a snapshot that is gone is no longer selected"
        );
    }

    #[test]
    fn only_the_rows_in_view_are_built() {
        let mut t = SnapshotTable::default();
        t.set((0..10_000).map(info).collect());
        let r = t.visible();
        assert_eq!(r.start, 0);
        assert!(r.len() < 60, "{r:?}");
        t.offset = 5000.0 * ROW_HEIGHT;
        let r = t.visible();
        assert!(r.contains(&5000) && r.len() < 60, "{r:?}");
        t.offset = 1e9;
        assert_eq!(t.visible(), 10_000..10_000);
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1234567), "1,234,567");
    }
}
