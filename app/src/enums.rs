//! Domain enumerations are stored as text in PostgreSQL (with CHECK constraints) and parsed
//! once when read, so the rest of the code only ever sees the enum.

/// Declares an enum with its stable database spelling, `as_str` and `FromStr`.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::enums::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::enums::UnknownValue(s.to_owned())),
                }
            }
        }
    };
}

/// A stored value that no variant spells: the database and the code disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

#[cfg(feature = "ssr")]
impl From<UnknownValue> for crate::error::AppError {
    fn from(err: UnknownValue) -> Self {
        crate::error::AppError::internal(err)
    }
}
