//! The `walkaway` binary: parse the command line, run it, print its error once
//! and exit with its code (DESIGN §6).

use std::process::ExitCode;

use clap::Parser;

// mimalloc rather than the system allocator: building a pack allocates many
// short-lived strings and maps on every core (README, Benchmarks).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_huge_pages();
    let cli = walkaway::cli::Cli::parse();
    match walkaway::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            walkaway::terminal::print_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// Transparent huge pages off for this process. mimalloc asks for them, and
/// the kernel then clears 2 MB at the first touch of memory a run uses a few
/// kilobytes of: a fifth of `check`'s time on 400 briefs went to clearing
/// pages, and the peak memory of a build halves without them (README,
/// Benchmarks). mimalloc is also built without its request (`no_thp` in
/// `Cargo.toml`): Rust's runtime allocates before `main`, so this call alone
/// came after the first huge page had been cleared. The call still matters
/// where the kernel gives huge pages unasked (`always`). Nothing is lost when
/// it fails (an older kernel).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of
    // ours; its result is only advice.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
