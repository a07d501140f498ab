//! What a complaint is about and what its handler found: values the complaints feature
//! records and reporting counts, so both read them from here.
use crate::{i18n::Texts, text_enum};

text_enum!(
    /// What a complaint is about, as 95598 sorts them.
    Category {
        ServiceAttitude => "service_attitude",
        BusinessHandling => "business_handling",
        OutageReconnection => "outage_reconnection",
        SupplyQuality => "supply_quality",
        GridConstruction => "grid_construction",
        Other => "other",
    }
);

text_enum!(
    /// What the handler found.
    Finding {
        Upheld => "upheld",
        PartlyUpheld => "partly_upheld",
        NotUpheld => "not_upheld",
    }
);

impl Category {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Category::ServiceAttitude => t.complaint_category_service_attitude,
            Category::BusinessHandling => t.complaint_category_business_handling,
            Category::OutageReconnection => t.complaint_category_outage_reconnection,
            Category::SupplyQuality => t.complaint_category_supply_quality,
            Category::GridConstruction => t.complaint_category_grid_construction,
            Category::Other => t.complaint_category_other,
        }
    }
}

impl Finding {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Finding::Upheld => t.complaint_finding_upheld,
            Finding::PartlyUpheld => t.complaint_finding_partly_upheld,
            Finding::NotUpheld => t.complaint_finding_not_upheld,
        }
    }
}
