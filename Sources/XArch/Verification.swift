import XArchContent
import XArchModel
import XArchRegistry
import XArchVerify

/// `xarch verify` for a location: the location opened by the store resolver, then `ImageVerification`.
public enum Verification {
    /// Verifies the image or index at `location` (registry repositories use `session`).
    public static func verify(_ location: ImageLocation, options: VerifyOptions = .init(),
                              session: RegistrySession) async throws -> VerifyReport {
        let image = try StoreResolver(session: session).open(location)
        return try await ImageVerification.verify(image, name: location.description, options: options)
    }

    /// The error `xarch verify` exits 3 with (`ImageVerification.failed`).
    public static func failed(_ report: VerifyReport) -> XArchError {
        ImageVerification.failed(report)
    }
}
