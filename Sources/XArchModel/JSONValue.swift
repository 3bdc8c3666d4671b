import Foundation

/// Any JSON value. Used to carry fields xarch does not model so that they survive a round trip
/// (decode, edit, encode) unchanged.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .integer(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// A coding key for any string, used to read and write the fields a type does not model.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// The fields of the current object whose keys are not in `known`.
    func unknownFields(known: Set<String>) throws -> [String: JSONValue] {
        let c = try container(keyedBy: AnyKey.self)
        var extra: [String: JSONValue] = [:]
        for key in c.allKeys where !known.contains(key.stringValue) {
            extra[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
        return extra
    }
}

extension Encoder {
    /// Writes `extra` fields beside the modelled ones.
    func encodeUnknownFields(_ extra: [String: JSONValue]) throws {
        guard !extra.isEmpty else { return }
        var c = container(keyedBy: AnyKey.self)
        for (k, v) in extra { try c.encode(v, forKey: AnyKey(k)) }
    }
}

/// The one canonical encoder for new content: sorted keys, no escaped slashes, no whitespace.
///
/// Only content xarch creates goes through it; fetched content is kept as its exact bytes.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Encoding for people: indented, sorted keys.
    public static func pretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes `bytes` as `T`, turning decoding failures into one readable sentence about `what`.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw XArchError(.invalidInput, "\(what) is not valid: \(describe(error))", cause: error)
        } catch let error as XArchError {
            throw XArchError(error.code, "\(what) is not valid: \(error.message)", cause: error)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ p: [any CodingKey]) -> String {
            guard !p.isEmpty else { return "the document" }
            var out = ""
            for key in p {
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out
        }
        switch error {
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty { return "not well-formed JSON" }
            if let x = c.underlyingError as? XArchError { return "\(path(c.codingPath)): \(x.message)" }
            return "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let k, let c): return "missing field \"\(k.stringValue)\" in \(path(c.codingPath))"
        case .typeMismatch(let t, let c): return "\(path(c.codingPath)) should be \(jsonKind(t))"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)) should be \(jsonKind(t)), found null"
        @unknown default: return "\(error)"
        }
    }

    private static func jsonKind(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(t)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "of another type (\(name))"
        }
    }
}
