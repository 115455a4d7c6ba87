//! The `timberline` binary: everything lives in the library.
fn main() -> std::process::ExitCode {
    timberline::cli::main()
}
