//! Mounts the app; everything else lives in the library.

fn main() {
    feedboard::mount();
}
