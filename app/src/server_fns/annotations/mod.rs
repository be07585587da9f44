//! Server functions for annotations, one per file.

mod apply_annotation;
mod cancel_annotation;
mod copies_generating;
mod load_annotation;
mod load_annotations;

pub use apply_annotation::*;
pub use cancel_annotation::*;
pub use copies_generating::*;
pub use load_annotation::*;
pub use load_annotations::*;
