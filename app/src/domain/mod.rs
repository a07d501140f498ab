//! Values shared by every feature, parsed once at the edge.
pub mod identifiers;
pub mod text;

pub use identifiers::{AccountNo, Phone};
pub use text::Text;
