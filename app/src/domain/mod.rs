//! Values shared by every feature, parsed once at the edge.
pub mod text;

pub use text::Text;
