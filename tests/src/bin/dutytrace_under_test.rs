//! The `dutytrace` binary, built inside this package so the black-box tests can start it
//! (`CARGO_BIN_EXE_dutytrace-under-test`): the same entry point, the same code.

fn main() -> std::process::ExitCode {
    dutytrace::entry::main()
}
