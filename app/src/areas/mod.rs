//! Service areas (grid blocks). Their type decides the published repair deadlines.
use crate::text_enum;

text_enum!(
    /// Urban, township or remote: the published commitments differ by this.
    AreaType { Urban => "urban", Township => "township", Remote => "remote" }
);
