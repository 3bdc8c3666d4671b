import XArchContent
import XArchModel
import XArchVerify

/// `xarch verify` for a location: the location opened by the store resolver, then `ImageVerification`.
public enum Verification {
    /// Verifies the image or index at `location`, opened by `resolver`.
    public static func verify(_ location: ImageLocation, options: VerifyOptions = .init(),
                              resolver: any StoreResolving) async throws -> VerifyReport {
        let image = try resolver.open(location)
        return try await ImageVerification.verify(image, name: location.description, options: options)
    }

    /// The error `xarch verify` exits 3 with (`ImageVerification.failed`).
    public static func failed(_ report: VerifyReport) -> XArchError {
        ImageVerification.failed(report)
    }
}
