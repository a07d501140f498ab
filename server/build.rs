//! The migrations are compiled into the server (`sqlx::migrate!`): a changed or new one must
//! rebuild it, which cargo does not know by itself.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
