import Crypto
import Foundation

/// A content digest, `algorithm:encoded`, as defined by the OCI image spec, "Digests" (descriptor.md#digests).
///
/// Only the registered algorithms `sha256` (64 hex characters) and `sha512` (128 hex characters) are
/// accepted, with lowercase hexadecimal encodings, as the spec requires of them.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// A registered digest algorithm.
    public enum Algorithm: String, Sendable, CaseIterable, Codable {
        case sha256, sha512

        /// Length of the hex encoding.
        public var encodedLength: Int { self == .sha256 ? 64 : 128 }
    }

    public let algorithm: Algorithm
    /// The lowercase hex encoding.
    public let encoded: String

    /// Parses `algorithm:hex`, with an error naming what is wrong.
    public init(parsing text: String) throws {
        guard let colon = text.firstIndex(of: ":") else {
            throw XArchError(.invalidInput, "invalid digest \"\(text.prefix(80))\": expected ALGORITHM:HEX such as sha256:<64 hex characters>")
        }
        let alg = String(text[..<colon])
        let hex = String(text[text.index(after: colon)...])
        guard let algorithm = Algorithm(rawValue: alg) else {
            throw XArchError(.invalidInput, "invalid digest \"\(text.prefix(80))\": unsupported algorithm \"\(alg.prefix(20))\" (use sha256 or sha512)")
        }
        guard hex.utf8.count == algorithm.encodedLength else {
            throw XArchError(.invalidInput, "invalid digest \"\(text.prefix(80))\": a \(alg) digest has \(algorithm.encodedLength) hex characters, this one has \(hex.utf8.count)")
        }
        for c in hex.utf8 where !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) {
            let kind = (c >= 0x41 && c <= 0x46) ? "uppercase hex is not allowed" : "it is not lowercase hexadecimal"
            throw XArchError(.invalidInput, "invalid digest \"\(text.prefix(80))\": \(kind)")
        }
        self.algorithm = algorithm
        self.encoded = hex
    }

    /// Whether `text` is a valid digest.
    public static func isValid(_ text: String) -> Bool { (try? Digest(parsing: text)) != nil }

    /// The digest of `bytes` under `algorithm`.
    public static func of<Bytes: DataProtocol>(_ bytes: Bytes, algorithm: Algorithm = .sha256) -> Digest {
        var hasher = DigestHasher(algorithm)
        hasher.update(bytes)
        return hasher.finalize()
    }

    init(uncheckedAlgorithm algorithm: Algorithm, encoded: String) {
        self.algorithm = algorithm
        self.encoded = encoded
    }

    public var description: String { "\(algorithm.rawValue):\(encoded)" }

    /// The first 12 hex characters, for tables.
    public var short: String { String(encoded.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch let error as XArchError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message,
                                                    underlyingError: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Incremental hashing for streams: feed chunks, then take the digest.
public struct DigestHasher {
    private enum State { case sha256(SHA256), sha512(SHA512) }
    private var state: State
    public let algorithm: Digest.Algorithm
    /// Bytes hashed so far.
    public private(set) var count: Int64 = 0

    public init(_ algorithm: Digest.Algorithm = .sha256) {
        self.algorithm = algorithm
        state = algorithm == .sha256 ? .sha256(SHA256()) : .sha512(SHA512())
    }

    public mutating func update<Bytes: DataProtocol>(_ bytes: Bytes) {
        count += Int64(bytes.count)
        switch state {
        case .sha256(var h): h.update(data: bytes); state = .sha256(h)
        case .sha512(var h): h.update(data: bytes); state = .sha512(h)
        }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        count += Int64(buffer.count)
        switch state {
        case .sha256(var h): h.update(bufferPointer: buffer); state = .sha256(h)
        case .sha512(var h): h.update(bufferPointer: buffer); state = .sha512(h)
        }
    }

    public func finalize() -> Digest {
        let bytes: [UInt8]
        switch state {
        case .sha256(let h): bytes = Array(h.finalize())
        case .sha512(let h): bytes = Array(h.finalize())
        }
        return Digest(uncheckedAlgorithm: algorithm, encoded: hexEncode(bytes))
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

func hexEncode(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
