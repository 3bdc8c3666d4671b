import Testing

/// `xarch copy --compression` as users type it: bad combinations are usage errors (exit 2) naming the
/// option, before anything is read or written.
@Suite("copy --compression options")
struct CopyCompressionOptionTests {
    @Test(arguments: [
        (["--compression", "lz4"], "--compression must be gzip or zstd, not lz4"),
        (["--compression", "zstd", "--compression-level", "20"], "--compression-level must be between 1 and 19 for zstd"),
        (["--compression", "gzip", "--compression-level", "0"], "--compression-level must be between 1 and 9 for gzip"),
        (["--compression-level", "5"], "--compression-level needs --compression"),
        (["--compression", "zstd", "--referrers"], "--referrers cannot go with --compression"),
    ])
    func badCombinationsAreUsageErrors(arguments: [String], message: String) async {
        let r = await CLIRun.run(["copy"] + arguments + ["oci:/nonexistent/src:v1", "oci:/nonexistent/dst:v1"])
        #expect(r.code == 2, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func optionsAfterTheArgumentsWorkToo() async {
        let r = await CLIRun.run("copy", "oci:/nonexistent/src:v1", "oci:/nonexistent/dst:v1", "--compression", "zstd", "--compression-level", "19")
        // Parsed and validated; it fails only because the source does not exist.
        #expect(r.code == 1 && r.stderr.contains("/nonexistent/src"), "\(r.stderr)")
    }
}
