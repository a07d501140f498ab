//! The departments' plain values, shared by their server function, store and page.
use crate::text_enum;

text_enum!(
    /// Seed 003 groups the back-office departments into three support teams.
    SupportTeam { Strategy => "strategy", Technical => "technical", Service => "service" }
);
