//! `dutytrace`: one binary for the service and its operations (DESIGN.md §5).

fn main() -> std::process::ExitCode {
    dutytrace::entry::main()
}
