//! Values shared by every feature, parsed once at the edge.
pub mod case_ref;
pub mod complaint;
pub mod groups;
pub mod identifiers;
pub mod text;

pub use groups::{service_class, CustomerGroup, ServiceClass};
pub use identifiers::{mask_address, mask_phone, AccountNo, Phone};
pub use text::Text;
