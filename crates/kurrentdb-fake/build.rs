//! Generates the gRPC server (and a client, for low-level tests) of the KurrentDB `Streams`
//! service from the `.proto` files in `protos/`.
//!
//! `protox` parses the files into a descriptor set in pure Rust, so the build needs no `protoc`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "protos/streams.proto",
        "protos/shared.proto",
        "protos/status.proto",
        "protos/code.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }

    let descriptors = protox::compile(["protos/streams.proto"], ["protos"])?;
    tonic_build::configure()
        .build_server(true)
        .build_client(true)
        // `bytes::Bytes` for payloads: a stored event is shared by every read without copying.
        .bytes(["."])
        // The empty marker message of the oneofs, as `()` (the client does the same).
        .extern_path(".event_store.client.Empty", "()")
        .compile_fds(descriptors)?;
    Ok(())
}
