//! Service areas (grid blocks). Their type decides the published repair deadlines.
use crate::{i18n::Texts, text_enum};

text_enum!(
    /// Urban, township or remote: the published commitments differ by this.
    AreaType { Urban => "urban", Township => "township", Remote => "remote" }
);

impl AreaType {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            AreaType::Urban => t.area_urban,
            AreaType::Township => t.area_township,
            AreaType::Remote => t.area_remote,
        }
    }
}
