//! A table laid out for the page (cells cleaned, columns sized, text wrapped),
//! and the flow's memory of the last one: a heading measures the table it
//! keeps with, and the table is then drawn from the same layout. Its own file
//! so that the flow (`layout.rs`) can hold it without importing the table
//! code, which builds on the flow.

use std::rc::Rc;

use super::markdown::{Align, Table};
use super::text::Line;

/// A table with its cells cleaned, sized and wrapped.
pub(super) struct Laid {
    pub(super) widths: Vec<f32>,
    pub(super) aligns: Vec<Align>,
    pub(super) head: Vec<Vec<Line>>,
    pub(super) rows: Vec<Vec<Vec<Line>>>,
}

/// A laid-out table and what it was laid out for: the table's address (the
/// blocks outlive the flow) and the width.
pub(super) struct LaidFor {
    pub(super) table: *const Table,
    pub(super) width: f32,
    pub(super) laid: Rc<Laid>,
}
