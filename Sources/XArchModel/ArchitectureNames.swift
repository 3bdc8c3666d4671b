/// The architecture names of the ecosystems around images, in one place: the aliases containerd
/// normalizes (used by `Platform.normalized`) and the spellings projects use in file names and
/// download URLs (used by the Dockerfile linter to spot hard-coded architectures).
///
/// One name can mean two things here, on purpose. `armel` is **`arm/v6`** to containerd
/// (`platforms.Normalize`, `database.go`: `case "armel": arch, variant = "arm", "v6"`), because an
/// image platform has no v5 to offer; it is **`arm/v5`** to Debian, whose `armel` port targets
/// ARMv5TE with soft-float (https://wiki.debian.org/ArmEabiPort). A platform string is normalized the
/// containerd way; a file name like `app_armel.deb` is read the Debian way.
public enum ArchitectureNames {
    /// Who spells architectures a given way; it decides how to derive the spelling from `TARGETARCH`.
    public enum Convention: Sendable, Hashable {
        /// Go's GOARCH names, which `TARGETARCH` already uses: amd64, arm64, 386, ppc64le, s390x.
        case goarch
        /// `uname -m` names: x86_64, aarch64, armv7l, i686.
        case uname
        /// Node.js names: x64, arm64.
        case node
        /// Debian architecture names (https://wiki.debian.org/SupportedArchitectures): armhf, armel, i386.
        case debian
        /// Other spellings: armv7, armv6.
        case generic
    }

    /// One spelling of an architecture as projects write it.
    public struct Spelling: Sendable, Hashable {
        /// The spelling in lowercase: `x86_64`, `armhf`.
        public var text: String
        /// The platform architecture it means, with the variant after a slash: `amd64`, `arm/v7`.
        public var architecture: String
        /// Whose spelling it is.
        public var convention: Convention
        /// Too common alone (`arm`, `386`): it counts only right after an OS name (`linux-arm`).
        public var needsOperatingSystem: Bool

        /// A spelling of `architecture` in `convention`.
        public init(_ text: String, _ architecture: String, _ convention: Convention, needsOperatingSystem: Bool = false) {
            self.text = text
            self.architecture = architecture
            self.convention = convention
            self.needsOperatingSystem = needsOperatingSystem
        }
    }

    /// Spellings in file names and URLs, longest first so `x86_64` wins over `x86`. `armel` is
    /// Debian's ARMv5TE soft-float port, hence `arm/v5` (see the type's documentation).
    public static let spellings: [Spelling] = [
        Spelling("x86_64", "amd64", .uname), Spelling("x86-64", "amd64", .uname), Spelling("aarch64", "arm64", .uname),
        Spelling("ppc64le", "ppc64le", .goarch), Spelling("riscv64", "riscv64", .goarch), Spelling("armv7l", "arm/v7", .uname),
        Spelling("armv6l", "arm/v6", .uname), Spelling("amd64", "amd64", .goarch), Spelling("arm64", "arm64", .goarch),
        Spelling("armv7", "arm/v7", .generic), Spelling("armv6", "arm/v6", .generic), Spelling("armhf", "arm/v7", .debian),
        Spelling("armel", "arm/v5", .debian), Spelling("s390x", "s390x", .goarch), Spelling("i386", "386", .debian),
        Spelling("i686", "386", .uname), Spelling("x64", "amd64", .node), Spelling("386", "386", .goarch, needsOperatingSystem: true),
        Spelling("arm", "arm", .goarch, needsOperatingSystem: true),
    ]

    /// Architecture names containerd's `normalizeArch` replaces whatever the variant, with the
    /// architecture and variant it gives them: `i386` → `386` (variant dropped), `armhf` → `arm/v7`,
    /// and `armel` → `arm/v6` (containerd's reading, not Debian's `arm/v5`: see the type's documentation).
    public static let containerdAliases: [String: (architecture: String, variant: String)] = [
        "i386": ("386", ""),
        "armhf": ("arm", "v7"),
        "armel": ("arm", "v6"),
    ]

    /// Debian multiarch directories (`/usr/lib/x86_64-linux-gnu`, https://wiki.debian.org/Multiarch/Tuples)
    /// and dynamic loaders, with the platform architecture each belongs to; `arm-linux-gnueabi` is the
    /// armel tuple, ARMv5TE, hence `arm/v5`.
    public static let multiarchPaths: [(name: String, architecture: String)] = [
        ("x86_64-linux-gnu", "amd64"), ("aarch64-linux-gnu", "arm64"), ("arm-linux-gnueabihf", "arm/v7"),
        ("arm-linux-gnueabi", "arm/v5"), ("i386-linux-gnu", "386"), ("powerpc64le-linux-gnu", "ppc64le"),
        ("s390x-linux-gnu", "s390x"), ("riscv64-linux-gnu", "riscv64"), ("mips64el-linux-gnuabi64", "mips64le"),
        ("ld-linux-x86-64.so.2", "amd64"), ("ld-linux-aarch64.so.1", "arm64"), ("ld-linux-armhf.so.3", "arm/v7"),
        ("ld-musl-x86_64.so.1", "amd64"), ("ld-musl-aarch64.so.1", "arm64"), ("ld-musl-armhf.so.1", "arm/v7"),
    ]
}
